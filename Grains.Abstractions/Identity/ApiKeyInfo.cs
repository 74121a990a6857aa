namespace Verge.Orleans.Grains.Abstractions.Identity;

/// <summary>A key as the list shows it: never the secret.</summary>
[GenerateSerializer, Immutable, Alias("verge.ApiKeyInfo")]
public sealed record ApiKeyInfo
{
    [Id(0)] public required string Id { get; init; }

    [Id(1)] public required string User { get; init; }

    [Id(2)] public required ApiKeySettings Settings { get; init; }

    [Id(3)] public DateTimeOffset Created { get; init; }

    [Id(4)] public DateTimeOffset? LastUsed { get; init; }

    [Id(5)] public string? LastUsedIp { get; init; }
}
