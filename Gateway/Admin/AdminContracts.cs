using Verge.Orleans.Grains.Abstractions.Identity;
using Verge.Orleans.Grains.Abstractions.Limits;

namespace Verge.Orleans.Gateway.Admin;

/// <summary>Body of <c>POST/PUT /api/v1/users</c>.</summary>
internal sealed record UserRequest(
    string? Name,
    UserType Type = UserType.Normal,
    bool Admin = false,
    bool Enabled = true,
    IReadOnlyList<string>? AllowedAssistants = null,
    double Weight = 1,
    LimitsRequest? Limits = null);

/// <summary>The <c>limits</c> object of a user or a key: every field optional (absent: no limit).</summary>
internal sealed record LimitsRequest(
    int? RequestsPerMinute = null,
    long? TokensPerMinute = null,
    int? ConcurrentRequests = null,
    long? DailyTokenBudget = null,
    long? MonthlyTokenBudget = null,
    string? BudgetMode = null);

/// <summary>Body of <c>POST/PUT /api/v1/users/{user}/keys</c>.</summary>
internal sealed record KeyRequest(
    string? Name,
    string Description = "",
    ExpirationType ExpirationType = ExpirationType.Never,
    DateTimeOffset? Expires = null,
    IReadOnlyList<string>? IpAllowList = null,
    IReadOnlyList<string>? IpDenyList = null,
    IReadOnlyList<string>? AllowedAssistants = null,
    LimitsRequest? Limits = null);

/// <summary>A key in the list: the columns VergeOS shows, plus its restrictions. <see cref="Key"/> only at creation.</summary>
internal sealed record KeyResponse(
    string Id,
    string User,
    string Name,
    string Description,
    ExpirationType ExpirationType,
    DateTimeOffset? Expires,
    IReadOnlyList<string> IpAllowList,
    IReadOnlyList<string> IpDenyList,
    IReadOnlyList<string>? AllowedAssistants,
    DateTimeOffset Created,
    DateTimeOffset? LastUsed,
    string? LastUsedIp,
    UsageLimits? Limits,
    string? Key = null)
{
    public static KeyResponse From(ApiKeyInfo info, string? token = null) => new(
        info.Id, info.User, info.Settings.Name, info.Settings.Description, info.Settings.ExpirationType, info.Settings.Expires,
        info.Settings.IpAllowList, info.Settings.IpDenyList, info.Settings.AllowedAssistants, info.Created, info.LastUsed, info.LastUsedIp,
        info.Settings.Limits, token);
}

/// <summary>Answer of <c>GET /api/v1/usage</c>: one row per day, user, key and assistant, and their totals.</summary>
internal sealed record UsageReport(IReadOnlyList<UsageReportRow> Rows, UsageTotals Totals);

internal sealed record UsageReportRow(
    DateOnly Date, string User, string Key, string Assistant, long Requests, long PromptTokens, long CachedTokens, long CompletionTokens);

internal sealed record UsageTotals(long Requests, long PromptTokens, long CachedTokens, long CompletionTokens);
