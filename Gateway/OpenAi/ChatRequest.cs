using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.OpenAi;

/// <summary>A validated <c>/v1/chat/completions</c> body: what to generate, and how to deliver it.</summary>
internal sealed record ChatRequest
{
    public required string Model { get; init; }

    public required GenerationRequest Generation { get; init; }

    public IReadOnlyList<ChatMessage> Messages => Generation.Messages;

    public bool Stream { get; init; }

    public bool IncludeUsage { get; init; }

    /// <summary>The chat session named by <c>session_id</c> or the <c>X-Session-Id</c> header.</summary>
    public string? SessionId { get; init; }

    /// <summary>The request's <c>chat_history</c> choice, when it sent one (the assistant's mode decides its weight).</summary>
    public bool? ChatHistory { get; init; }

    /// <summary>Fields we accept without acting on them (logged once).</summary>
    public IReadOnlyList<string> IgnoredFields { get; init; } = [];
}
