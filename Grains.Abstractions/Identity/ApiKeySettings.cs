using Verge.Orleans.Grains.Abstractions.Limits;

namespace Verge.Orleans.Grains.Abstractions.Identity;

/// <summary>The editable metadata of an API key (the secret itself is never editable).</summary>
[GenerateSerializer, Immutable, Alias("verge.ApiKeySettings")]
public sealed record ApiKeySettings
{
    [Id(0)] public required string Name { get; init; }

    [Id(1)] public string Description { get; init; } = "";

    [Id(2)] public ExpirationType ExpirationType { get; init; } = ExpirationType.Never;

    /// <summary>When the key stops working (with <see cref="ExpirationType.SetDate"/>).</summary>
    [Id(3)] public DateTimeOffset? Expires { get; init; }

    /// <summary>CIDR entries; when not empty, only these addresses may use the key.</summary>
    [Id(4)] public IReadOnlyList<string> IpAllowList { get; init; } = [];

    /// <summary>CIDR entries refused, unless the address is also in the allow list.</summary>
    [Id(5)] public IReadOnlyList<string> IpDenyList { get; init; } = [];

    /// <summary>Assistants this key may use (within its user's); null means all of the user's.</summary>
    [Id(6)] public IReadOnlyList<string>? AllowedAssistants { get; init; }

    /// <summary>Rate limits and token budgets of this key alone (its user's apply too); null means none.</summary>
    [Id(7)] public UsageLimits? Limits { get; init; }
}
