using Verge.Orleans.Grains.Abstractions.Limits;

namespace Verge.Orleans.Gateway.Admin;

/// <summary>Checks a <c>limits</c> object, naming each bad field by its path (<c>limits.requestsPerMinute</c>).</summary>
internal static class LimitsValidator
{
    public static void Validate(LimitsRequest? limits, Dictionary<string, string[]> errors)
    {
        if (limits is null)
        {
            return;
        }

        foreach (var (field, value) in new (string, long?)[]
        {
            ("requestsPerMinute", limits.RequestsPerMinute),
            ("tokensPerMinute", limits.TokensPerMinute),
            ("concurrentRequests", limits.ConcurrentRequests),
            ("dailyTokenBudget", limits.DailyTokenBudget),
            ("monthlyTokenBudget", limits.MonthlyTokenBudget),
        })
        {
            if (value is < 1)
            {
                errors[$"limits.{field}"] = ["Must be at least 1; leave it out for no limit."];
            }
        }

        if (limits.BudgetMode is not null && ParseMode(limits.BudgetMode) is null)
        {
            errors["limits.budgetMode"] = ["Must be \"soft\" (warn) or \"hard\" (refuse)."];
        }
    }

    /// <summary>The stored form of a validated request; null when it sets nothing.</summary>
    public static UsageLimits? ToLimits(LimitsRequest? limits) => limits is null ? null : new UsageLimits
    {
        RequestsPerMinute = limits.RequestsPerMinute,
        TokensPerMinute = limits.TokensPerMinute,
        ConcurrentRequests = limits.ConcurrentRequests,
        DailyTokenBudget = limits.DailyTokenBudget,
        MonthlyTokenBudget = limits.MonthlyTokenBudget,
        BudgetMode = ParseMode(limits.BudgetMode) ?? BudgetMode.Hard,
    };

    private static BudgetMode? ParseMode(string? mode) => mode?.ToLowerInvariant() switch
    {
        null or "hard" => BudgetMode.Hard,
        "soft" => BudgetMode.Soft,
        _ => null,
    };
}
