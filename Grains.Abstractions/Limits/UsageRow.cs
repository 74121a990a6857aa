namespace Verge.Orleans.Grains.Abstractions.Limits;

/// <summary>A user's usage of one day through one key on one assistant.</summary>
[GenerateSerializer, Immutable, Alias("verge.UsageRow")]
public sealed record UsageRow
{
    [Id(0)] public required string Key { get; init; }

    [Id(1)] public required string Assistant { get; init; }

    [Id(2)] public long Requests { get; init; }

    [Id(3)] public long PromptTokens { get; init; }

    [Id(4)] public long CachedTokens { get; init; }

    [Id(5)] public long CompletionTokens { get; init; }
}
