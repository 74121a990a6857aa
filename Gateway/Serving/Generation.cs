using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Abstractions.Sessions;

namespace Verge.Orleans.Gateway.Serving;

/// <summary>
/// An accepted generation: its events (after the worker's Accepted event, carried over to another
/// worker if that one is lost), the chat session its turn goes to, if any, and the prompt's length in
/// tokens as the accepting worker rendered it.
/// </summary>
internal sealed record Generation(
    IAsyncEnumerator<GenerationEvent> Events,
    SessionRecording? Session,
    int PromptTokens = 0)
{
    /// <summary>The generation's hold on its user's and key's limits; an HTTP response releases it itself.</summary>
    public IAsyncDisposable? Lease { get; init; }
}
