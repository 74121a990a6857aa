namespace Verge.Orleans.Grains.Abstractions.Limits;

/// <summary>A limiter's answer to one request: admitted or refused, and the figures for the rate-limit headers.</summary>
[GenerateSerializer, Immutable, Alias("verge.LimitDecision")]
public sealed record LimitDecision
{
    [Id(0)] public bool Admitted { get; init; }

    /// <summary><c>rate_limit_exceeded</c> (rpm, tpm, concurrency) or <c>insufficient_quota</c> (a hard budget).</summary>
    [Id(1)] public string? Code { get; init; }

    [Id(2)] public string? Message { get; init; }

    /// <summary>When the refused request could pass (the window frees enough, the budget's period ends).</summary>
    [Id(3)] public TimeSpan RetryAfter { get; init; }

    [Id(4)] public int? RequestLimit { get; init; }

    [Id(5)] public int RequestsRemaining { get; init; }

    /// <summary>Until the request window is empty again.</summary>
    [Id(6)] public TimeSpan RequestsReset { get; init; }

    [Id(7)] public long? TokenLimit { get; init; }

    [Id(8)] public long TokensRemaining { get; init; }

    [Id(9)] public TimeSpan TokensReset { get; init; }

    /// <summary>Set when a soft budget is spent.</summary>
    [Id(10)] public string? BudgetWarning { get; init; }
}
