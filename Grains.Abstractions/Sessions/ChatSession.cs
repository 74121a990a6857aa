namespace Verge.Orleans.Grains.Abstractions.Sessions;

/// <summary>A chat session with its stored turns, oldest first.</summary>
[GenerateSerializer, Immutable, Alias("verge.ChatSession")]
public sealed record ChatSession
{
    [Id(0)] public required string Id { get; init; }

    [Id(1)] public required string Title { get; init; }

    [Id(2)] public string Assistant { get; init; } = "";

    [Id(3)] public DateTimeOffset Created { get; init; }

    [Id(4)] public DateTimeOffset Updated { get; init; }

    [Id(5)] public IReadOnlyList<ChatTurn> Turns { get; init; } = [];
}
