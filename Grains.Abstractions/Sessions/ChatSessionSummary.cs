namespace Verge.Orleans.Grains.Abstractions.Sessions;

/// <summary>A chat session as its owner's list shows it.</summary>
[GenerateSerializer, Immutable, Alias("verge.ChatSessionSummary")]
public sealed record ChatSessionSummary
{
    [Id(0)] public required string Id { get; init; }

    /// <summary>The session's first prompt, truncated.</summary>
    [Id(1)] public required string Title { get; init; }

    /// <summary>The assistant the session started with.</summary>
    [Id(2)] public string Assistant { get; init; } = "";

    [Id(3)] public DateTimeOffset Created { get; init; }

    /// <summary>When the last turn was stored; the session expires Chat History Lifetime days after it.</summary>
    [Id(4)] public DateTimeOffset Updated { get; init; }

    /// <summary>Stored turns.</summary>
    [Id(5)] public int Turns { get; init; }
}
