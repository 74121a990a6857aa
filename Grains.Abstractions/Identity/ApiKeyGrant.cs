using Verge.Orleans.Grains.Abstractions.Limits;

namespace Verge.Orleans.Grains.Abstractions.Identity;

/// <summary>What a verified key may do, for the gateway to cache briefly and enforce.</summary>
[GenerateSerializer, Immutable, Alias("verge.ApiKeyGrant")]
public sealed record ApiKeyGrant
{
    [Id(0)] public required string KeyId { get; init; }

    [Id(1)] public required string User { get; init; }

    [Id(2)] public bool Admin { get; init; }

    [Id(3)] public DateTimeOffset? Expires { get; init; }

    [Id(4)] public IReadOnlyList<string> IpAllowList { get; init; } = [];

    [Id(5)] public IReadOnlyList<string> IpDenyList { get; init; } = [];

    /// <summary>Assistants usable with this key (user's and key's lists combined); null means all.</summary>
    [Id(6)] public IReadOnlyList<string>? AllowedAssistants { get; init; }

    /// <summary>The user's scheduling weight (<see cref="UserSpec.Weight"/>).</summary>
    [Id(7)] public double Weight { get; init; } = 1;

    /// <summary>The user's limits (<see cref="UserSpec.Limits"/>), enforced for all its keys together.</summary>
    [Id(8)] public UsageLimits UserLimits { get; init; } = UsageLimits.None;

    /// <summary>This key's own limits (<see cref="ApiKeySettings.Limits"/>).</summary>
    [Id(9)] public UsageLimits KeyLimits { get; init; } = UsageLimits.None;
}
