using Verge.Orleans.Grains.Abstractions.Limits;

namespace Verge.Orleans.Grains.Abstractions.Identity;

/// <summary>A user: owns API keys, which inherit its rights.</summary>
[GenerateSerializer, Immutable, Alias("verge.UserSpec")]
public sealed record UserSpec
{
    [Id(0)] public required string Name { get; init; }

    [Id(1)] public UserType Type { get; init; } = UserType.Normal;

    [Id(2)] public bool Admin { get; init; }

    [Id(3)] public bool Enabled { get; init; } = true;

    /// <summary>Assistants this user may use; null means all.</summary>
    [Id(4)] public IReadOnlyList<string>? AllowedAssistants { get; init; }

    [Id(5)] public DateTimeOffset Created { get; init; }

    /// <summary>The user's share of a worker when requests wait (priority): twice the weight, twice the turns. 0.01–100.</summary>
    [Id(6)] public double Weight { get; init; } = 1;

    /// <summary>Rate limits and token budgets of the user (all its keys together); null means none.</summary>
    [Id(7)] public UsageLimits? Limits { get; init; }
}
