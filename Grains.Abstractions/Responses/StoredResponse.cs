using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Grains.Abstractions.Responses;

/// <summary>
/// A stored Responses API answer: the conversation it continues (what a <c>previous_response_id</c>
/// replays) and the response document the gateway returns on a read.
/// </summary>
[GenerateSerializer, Immutable, Alias("verge.StoredResponse")]
public sealed record StoredResponse
{
    /// <summary>The response id (<c>resp_…</c>).</summary>
    [Id(0)] public required string Id { get; init; }

    /// <summary>The assistant that answered.</summary>
    [Id(1)] public required string Assistant { get; init; }

    /// <summary>The chain's messages: earlier responses' input and output, then this one's (never the instructions).</summary>
    [Id(2)] public required IReadOnlyList<ChatMessage> Conversation { get; init; }

    /// <summary>The response object as the gateway wrote it (opaque to the cluster).</summary>
    [Id(3)] public required string Document { get; init; }

    /// <summary>When it was stored (set by the grain); it expires a chat-history lifetime later.</summary>
    [Id(4)] public DateTimeOffset Created { get; init; }
}
