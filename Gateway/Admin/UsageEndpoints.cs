using System.Globalization;
using Verge.Orleans.Gateway.Identity;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Limits;

namespace Verge.Orleans.Gateway.Admin;

/// <summary><c>GET /api/v1/usage</c>: admins see everyone's usage, other users only their own.</summary>
internal static class UsageEndpoints
{
    public const string OthersRefused = "You may see only your own usage.";

    private const int DefaultDays = 30;
    private const int MaxDays = 366;

    public static async Task<IResult> ListAsync(
        HttpContext http, IGrainFactory grains, [FromKeyedServices(LimitKeys.Clock)] TimeProvider time,
        string? user = null, string? key = null, string? assistant = null, string? from = null, string? to = null)
    {
        var errors = new Dictionary<string, string[]>();
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var last = ParseDay(to, "to", errors) ?? today;
        var first = ParseDay(from, "from", errors) ?? last.AddDays(1 - DefaultDays);
        if (errors.Count == 0 && (first > last || last.DayNumber - first.DayNumber >= MaxDays))
        {
            errors["from"] = [$"'from' must be on or before 'to', at most {MaxDays} days earlier."];
        }

        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors);
        }

        var grant = http.Grant();
        IEnumerable<string> users = grant.Admin
            ? user is not null ? [user] : (await grains.GetGrain<IUserDirectoryGrain>(0).ListAsync()).Select(u => u.Name)
            : [grant.User];
        var days = Enumerable.Range(0, last.DayNumber - first.DayNumber + 1).Select(first.AddDays);
        var cells = await Task.WhenAll(users.SelectMany(u => days.Select(async day =>
            (Day: day, User: u, Rows: await grains.GetGrain<IUsageGrain>(LimitKeys.UsageDay(u, day)).GetAsync()))));
        var rows = cells
            .SelectMany(c => c.Rows.Select(r => new UsageReportRow(c.Day, c.User, r.Key, r.Assistant, r.Requests, r.PromptTokens, r.CachedTokens, r.CompletionTokens)))
            .Where(r => (key is null || r.Key == key) && (assistant is null || r.Assistant == assistant))
            .OrderBy(r => r.Date).ThenBy(r => r.User, StringComparer.Ordinal).ThenBy(r => r.Key, StringComparer.Ordinal).ThenBy(r => r.Assistant, StringComparer.Ordinal)
            .ToArray();
        var totals = new UsageTotals(rows.Sum(r => r.Requests), rows.Sum(r => r.PromptTokens), rows.Sum(r => r.CachedTokens), rows.Sum(r => r.CompletionTokens));
        return Results.Ok(new UsageReport(rows, totals));
    }

    private static DateOnly? ParseDay(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        errors[field] = ["A UTC date as yyyy-MM-dd."];
        return null;
    }
}
