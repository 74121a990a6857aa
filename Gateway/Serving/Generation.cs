using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Abstractions.Sessions;

namespace Verge.Orleans.Gateway.Serving;

/// <summary>
/// An accepted generation: its events (after the worker's Accepted event), the chat session its turn
/// goes to, if any, how to start it again while the client has seen nothing, and the prompt's length
/// in tokens as the accepting worker rendered it.
/// </summary>
internal sealed record Generation(
    IAsyncEnumerator<GenerationEvent> Events,
    SessionRecording? Session,
    Func<Task<IAsyncEnumerator<GenerationEvent>>> Restart,
    int PromptTokens = 0)
{
    /// <summary>The generation's hold on its user's and key's limits; an HTTP response releases it itself.</summary>
    public IAsyncDisposable? Lease { get; init; }
}
