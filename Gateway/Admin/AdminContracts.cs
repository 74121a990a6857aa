using Verge.Orleans.Grains.Abstractions.Identity;

namespace Verge.Orleans.Gateway.Admin;

/// <summary>Body of <c>POST/PUT /api/v1/users</c>.</summary>
internal sealed record UserRequest(
    string? Name, UserType Type = UserType.Normal, bool Admin = false, bool Enabled = true, IReadOnlyList<string>? AllowedAssistants = null, double Weight = 1);

/// <summary>Body of <c>POST/PUT /api/v1/users/{user}/keys</c>.</summary>
internal sealed record KeyRequest(
    string? Name,
    string Description = "",
    ExpirationType ExpirationType = ExpirationType.Never,
    DateTimeOffset? Expires = null,
    IReadOnlyList<string>? IpAllowList = null,
    IReadOnlyList<string>? IpDenyList = null,
    IReadOnlyList<string>? AllowedAssistants = null);

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
    string? Key = null)
{
    public static KeyResponse From(ApiKeyInfo info, string? token = null) => new(
        info.Id, info.User, info.Settings.Name, info.Settings.Description, info.Settings.ExpirationType, info.Settings.Expires,
        info.Settings.IpAllowList, info.Settings.IpDenyList, info.Settings.AllowedAssistants, info.Created, info.LastUsed, info.LastUsedIp, token);
}
