using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Grains.Abstractions.Sessions;

/// <summary>One stored exchange of a chat session: the request's new user messages and the answer.</summary>
[GenerateSerializer, Immutable, Alias("verge.ChatTurn")]
public sealed record ChatTurn
{
    /// <summary>The user messages the request added (those after its last assistant message).</summary>
    [Id(0)] public required IReadOnlyList<ChatMessage> Messages { get; init; }

    /// <summary>The answer's visible content.</summary>
    [Id(1)] public required string Answer { get; init; }

    /// <summary>The answer's reasoning; empty when the model strips it from history or did not think.</summary>
    [Id(2)] public string Reasoning { get; init; } = "";

    /// <summary>The assistant that answered.</summary>
    [Id(3)] public string Assistant { get; init; } = "";

    /// <summary>When the turn was stored (set by the session).</summary>
    [Id(4)] public DateTimeOffset At { get; init; }
}
