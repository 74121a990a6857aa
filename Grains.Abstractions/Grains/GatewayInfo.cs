namespace Verge.Orleans.Grains.Abstractions.Grains;

/// <summary>A gateway (VergeOS "AI-Helper Worker") as it last reported itself.</summary>
[GenerateSerializer, Immutable, Alias("verge.GatewayInfo")]
public sealed record GatewayInfo
{
    [Id(0)] public required string Id { get; init; }

    [Id(1)] public required string Host { get; init; }

    /// <summary>Where it listens.</summary>
    [Id(2)] public string Urls { get; init; } = "";

    /// <summary><c>single-process</c> (hosts a silo) or <c>client</c> (cluster mode).</summary>
    [Id(3)] public string Mode { get; init; } = "";

    [Id(4)] public DateTimeOffset Started { get; init; }

    [Id(5)] public DateTimeOffset LastSeen { get; init; }

    /// <summary>Chat completions in progress on it.</summary>
    [Id(6)] public int ActiveRequests { get; init; }

    [Id(7)] public long ServedRequests { get; init; }
}
