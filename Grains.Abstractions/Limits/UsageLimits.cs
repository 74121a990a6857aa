namespace Verge.Orleans.Grains.Abstractions.Limits;

/// <summary>
/// Limits of a user or of a key (null: none). Where both a user and its key set one, the tighter wins.
/// Budgets count prompt plus completion tokens per UTC day and UTC month.
/// </summary>
[GenerateSerializer, Immutable, Alias("verge.UsageLimits")]
public sealed record UsageLimits
{
    [Id(0)] public int? RequestsPerMinute { get; init; }

    /// <summary>Prompt plus completion tokens per minute (counted when an answer ends).</summary>
    [Id(1)] public long? TokensPerMinute { get; init; }

    [Id(2)] public int? ConcurrentRequests { get; init; }

    [Id(3)] public long? DailyTokenBudget { get; init; }

    [Id(4)] public long? MonthlyTokenBudget { get; init; }

    [Id(5)] public BudgetMode BudgetMode { get; init; } = BudgetMode.Hard;

    public static readonly UsageLimits None = new();
}
