using Microsoft.Extensions.DependencyInjection;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Limits;

namespace Verge.Orleans.Grains.Limits;

internal sealed class LimiterGrain(
    [PersistentState("limiter", StorageNames.Verge)] IPersistentState<LimiterState> state,
    [FromKeyedServices(LimitKeys.Clock)] TimeProvider time) : Grain, ILimiterGrain
{
    // A lease whose gateway died is never released: it stops counting after this long.
    private static readonly TimeSpan LeaseLifetime = TimeSpan.FromHours(1);

    // Nobody knows when a running request ends; clients are told to look again soon.
    private static readonly TimeSpan ConcurrencyRetry = TimeSpan.FromSeconds(1);

    private readonly SlidingWindow _requests = new();
    private readonly SlidingWindow _tokens = new();
    private readonly Dictionary<string, DateTimeOffset> _leases = [];

    Task<LimitDecision> ILimiterGrain.AcquireAsync(string lease, UsageLimits limits)
    {
        var now = Advance();
        var (refusal, warning) = Check(limits, now);
        if (refusal is null)
        {
            _leases[lease] = now;
            _requests.Add(now, 1, lease);
            if (limits.ConcurrentRequests is not null)
            {
                // Running requests live only here: an idle-looking limiter must not forget a long stream.
                this.DelayDeactivation(LeaseLifetime);
            }
        }

        return Task.FromResult(Figures(refusal ?? new LimitDecision { Admitted = true }, limits, now) with { BudgetWarning = warning });
    }

    async Task ILimiterGrain.ReleaseAsync(string lease, long tokens)
    {
        _leases.Remove(lease);
        if (tokens > 0)
        {
            var now = Advance();
            _tokens.Add(now, tokens);
            state.State.DayTokens += tokens;
            state.State.MonthTokens += tokens;
            await state.WriteStateAsync();
        }
    }

    Task ILimiterGrain.AbandonAsync(string lease)
    {
        _leases.Remove(lease);
        _requests.Remove(lease);
        return Task.CompletedTask;
    }

    private (LimitDecision? Refusal, string? Warning) Check(UsageLimits limits, DateTimeOffset now)
    {
        string? warning = null;
        LimitDecision? refusal = null;
        var dayEnd = Midnight(state.State.Day.AddDays(1));
        var monthEnd = Midnight(state.State.Month.AddMonths(1));
        foreach (var (budget, spent, period, end) in new[]
        {
            (limits.DailyTokenBudget, state.State.DayTokens, "daily", dayEnd),
            (limits.MonthlyTokenBudget, state.State.MonthTokens, "monthly", monthEnd),
        })
        {
            if (budget is { } allowed && spent >= allowed)
            {
                var text = $"The {period} token budget of {allowed} tokens is spent ({spent} used); it renews at {end:yyyy-MM-ddTHH:mm:ssZ}.";
                if (limits.BudgetMode == BudgetMode.Soft)
                {
                    warning ??= text;
                }
                else if (refusal is null || end - now > refusal.RetryAfter)
                {
                    refusal = Refuse("insufficient_quota", text, end - now);
                }
            }
        }

        if (refusal is not null)
        {
            return (refusal, warning);
        }

        if (limits.ConcurrentRequests is { } concurrent && _leases.Count >= concurrent)
        {
            refusal = Refuse("rate_limit_exceeded", $"Rate limit reached: {concurrent} concurrent requests.", ConcurrencyRetry);
        }
        else if (limits.RequestsPerMinute is { } rpm && _requests.Total >= rpm)
        {
            refusal = Refuse("rate_limit_exceeded", $"Rate limit reached: {rpm} requests per minute.", _requests.UntilBelow(rpm, now));
        }
        else if (limits.TokensPerMinute is { } tpm && _tokens.Total >= tpm)
        {
            refusal = Refuse("rate_limit_exceeded", $"Rate limit reached: {tpm} tokens per minute ({_tokens.Total} used).", _tokens.UntilBelow(tpm, now));
        }

        return (refusal, warning);
    }

    private LimitDecision Figures(LimitDecision decision, UsageLimits limits, DateTimeOffset now) => decision with
    {
        RequestLimit = limits.RequestsPerMinute,
        RequestsRemaining = limits.RequestsPerMinute is { } rpm ? (int)Math.Max(0, rpm - _requests.Total) : 0,
        RequestsReset = _requests.UntilEmpty(now),
        TokenLimit = limits.TokensPerMinute,
        TokensRemaining = limits.TokensPerMinute is { } tpm ? Math.Max(0, tpm - _tokens.Total) : 0,
        TokensReset = _tokens.UntilEmpty(now),
    };

    private static LimitDecision Refuse(string code, string message, TimeSpan retryAfter) =>
        new() { Admitted = false, Code = code, Message = message, RetryAfter = retryAfter };

    /// <summary>Moves the windows and the budget periods to now.</summary>
    private DateTimeOffset Advance()
    {
        var now = time.GetUtcNow();
        _requests.Trim(now);
        _tokens.Trim(now);
        foreach (var stale in _leases.Where(l => now - l.Value > LeaseLifetime).Select(l => l.Key).ToArray())
        {
            _leases.Remove(stale);
        }

        var day = DateOnly.FromDateTime(now.UtcDateTime);
        if (state.State.Day != day)
        {
            (state.State.Day, state.State.DayTokens) = (day, 0);
        }

        var month = new DateOnly(day.Year, day.Month, 1);
        if (state.State.Month != month)
        {
            (state.State.Month, state.State.MonthTokens) = (month, 0);
        }

        return now;
    }

    private static DateTimeOffset Midnight(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
