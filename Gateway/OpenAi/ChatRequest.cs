using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.OpenAi;

/// <summary>A validated <c>/v1/chat/completions</c> body.</summary>
internal sealed record ChatRequest
{
    public required string Model { get; init; }

    public required IReadOnlyList<ChatMessage> Messages { get; init; }

    public bool Stream { get; init; }

    public bool IncludeUsage { get; init; }

    public int? MaxTokens { get; init; }

    public float? Temperature { get; init; }

    public float? TopP { get; init; }

    public uint? Seed { get; init; }

    public IReadOnlyList<string> Stop { get; init; } = [];

    public bool IgnoreEos { get; init; }

    /// <summary>The chat session named by <c>session_id</c> or the <c>X-Session-Id</c> header.</summary>
    public string? SessionId { get; init; }

    /// <summary>The request's <c>chat_history</c> choice, when it sent one (the assistant's mode decides its weight).</summary>
    public bool? ChatHistory { get; init; }

    /// <summary>Fields we accept without acting on them (logged once).</summary>
    public IReadOnlyList<string> IgnoredFields { get; init; } = [];
}
