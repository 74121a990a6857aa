using Verge.Orleans.Gateway.Identity;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Identity;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.Admin;

/// <summary>Users and their keys. Admins manage everyone; a normal user may read itself and manage its own keys.</summary>
internal static class UsersEndpoints
{
    public static async Task<IResult> ListAsync(IGrainFactory grains) =>
        Results.Ok(await grains.GetGrain<IUserDirectoryGrain>(0).ListAsync());

    public static async Task<IResult> CreateAsync(IGrainFactory grains, UserRequest body)
    {
        if (string.IsNullOrWhiteSpace(body.Name))
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["name"] = ["A user needs a name."] });
        }

        if (Validate(body) is { } invalid)
        {
            return invalid;
        }

        var user = await grains.GetGrain<IUserGrain>(body.Name).CreateAsync(ToSpec(body, body.Name));
        return Results.Created($"/api/v1/users/{Uri.EscapeDataString(user.Name)}", user);
    }

    public static async Task<IResult> GetAsync(IGrainFactory grains, string user) =>
        (await grains.GetGrain<IUserGrain>(user).GetAsync() is { } found
            ? Results.Ok(found)
            : throw ServingException.NotFound($"User '{user}'"));

    public static async Task<IResult> UpdateAsync(IGrainFactory grains, string user, UserRequest body) =>
        Validate(body) ?? Results.Ok(await grains.GetGrain<IUserGrain>(user).UpdateAsync(ToSpec(body, user)));

    public static async Task<IResult> DeleteAsync(IGrainFactory grains, string user)
    {
        await grains.GetGrain<IUserGrain>(user).DeleteAsync();
        return Results.NoContent();
    }

    public static async Task<IResult> ListKeysAsync(IGrainFactory grains, string user) =>
        Results.Ok((await grains.GetGrain<IUserGrain>(user).ListKeysAsync()).Select(k => KeyResponse.From(k)));

    public static async Task<IResult> CreateKeyAsync(IGrainFactory grains, string user, KeyRequest body)
    {
        if (Validate(body) is { } refused)
        {
            return refused;
        }

        var created = await grains.GetGrain<IUserGrain>(user).CreateKeyAsync(ToSettings(body));
        return Results.Created($"/api/v1/users/{Uri.EscapeDataString(user)}/keys/{created.Key.Id}", KeyResponse.From(created.Key, created.Token));
    }

    public static async Task<IResult> UpdateKeyAsync(IGrainFactory grains, string user, string key, KeyRequest body) =>
        Validate(body)
            ?? Results.Ok(KeyResponse.From(await grains.GetGrain<IUserGrain>(user).UpdateKeyAsync(key, ToSettings(body))));

    public static async Task<IResult> DeleteKeyAsync(IGrainFactory grains, string user, string key)
    {
        await grains.GetGrain<IUserGrain>(user).DeleteKeyAsync(key);
        return Results.NoContent();
    }

    private static IResult? Validate(KeyRequest body)
    {
        var errors = IpRules.Validate(body.IpAllowList ?? [], body.IpDenyList ?? []);
        LimitsValidator.Validate(body.Limits, errors);
        if (string.IsNullOrWhiteSpace(body.Name))
        {
            errors["name"] = ["A key needs a name."];
        }

        if (body.ExpirationType == ExpirationType.SetDate && body.Expires is null)
        {
            errors["expires"] = ["'Set Date' keys need an expiry date."];
        }

        return errors.Count == 0 ? null : Results.ValidationProblem(errors);
    }

    private static IResult? Validate(UserRequest body)
    {
        var errors = new Dictionary<string, string[]>();
        if (body.Weight is not (>= 0.01 and <= 100))
        {
            errors["weight"] = ["A user's weight is from 0.01 to 100 (1 is everyone's default)."];
        }

        LimitsValidator.Validate(body.Limits, errors);
        return errors.Count == 0 ? null : Results.ValidationProblem(errors);
    }

    private static UserSpec ToSpec(UserRequest body, string name) => new()
    {
        Name = name, Type = body.Type, Admin = body.Admin, Enabled = body.Enabled, AllowedAssistants = body.AllowedAssistants, Weight = body.Weight,
        Limits = LimitsValidator.ToLimits(body.Limits),
    };

    private static ApiKeySettings ToSettings(KeyRequest body) => new()
    {
        Name = body.Name!,
        Description = body.Description,
        ExpirationType = body.ExpirationType,
        Expires = body.ExpirationType == ExpirationType.SetDate ? body.Expires : null,
        IpAllowList = body.IpAllowList ?? [],
        IpDenyList = body.IpDenyList ?? [],
        AllowedAssistants = body.AllowedAssistants,
        Limits = LimitsValidator.ToLimits(body.Limits),
    };
}
