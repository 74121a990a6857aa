using System.Globalization;
using Verge.Orleans.Grains.Abstractions.Limits;

namespace Verge.Orleans.Gateway.Limits;

/// <summary>OpenAI's rate-limit headers from the user's and the key's decisions: the one with less left speaks.</summary>
internal static class RateLimitHeaders
{
    public const string BudgetWarning = "x-verge-budget-warning";

    public static void Write(HttpResponse response, IReadOnlyList<LimitDecision> decisions)
    {
        var headers = response.Headers;
        if (decisions.Where(d => d.RequestLimit is not null).OrderBy(d => d.RequestsRemaining).ThenBy(d => d.RequestLimit).FirstOrDefault() is { } requests)
        {
            headers["x-ratelimit-limit-requests"] = requests.RequestLimit!.Value.ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-remaining-requests"] = requests.RequestsRemaining.ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-reset-requests"] = Duration(requests.RequestsReset);
        }

        if (decisions.Where(d => d.TokenLimit is not null).OrderBy(d => d.TokensRemaining).ThenBy(d => d.TokenLimit).FirstOrDefault() is { } tokens)
        {
            headers["x-ratelimit-limit-tokens"] = tokens.TokenLimit!.Value.ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-remaining-tokens"] = tokens.TokensRemaining.ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-reset-tokens"] = Duration(tokens.TokensReset);
        }

        if (decisions.Select(d => d.BudgetWarning).FirstOrDefault(w => w is not null) is { } warning)
        {
            headers[BudgetWarning] = warning;
        }
    }

    /// <summary>OpenAI's duration form: <c>0s</c>, <c>17s</c>, <c>1m0s</c>.</summary>
    public static string Duration(TimeSpan span)
    {
        var seconds = (long)Math.Ceiling(Math.Max(0, span.TotalSeconds));
        return seconds < 60
            ? $"{seconds}s"
            : string.Create(CultureInfo.InvariantCulture, $"{seconds / 60}m{seconds % 60}s");
    }
}
