using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.Anthropic;

/// <summary>A validated <c>/v1/messages</c> body: the assistant, what to generate, and whether to stream it.</summary>
internal sealed record AnthropicRequest
{
    public required string Model { get; init; }

    public required GenerationRequest Generation { get; init; }

    public bool Stream { get; init; }

    /// <summary>Fields we accept without acting on them (logged once).</summary>
    public IReadOnlyList<string> IgnoredFields { get; init; } = [];
}
