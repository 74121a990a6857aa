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
        if (UserRules.ValidateNew(body) is { Count: > 0 } errors)
        {
            return Results.ValidationProblem(errors);
        }

        var user = await grains.GetGrain<IUserGrain>(body.Name!).CreateAsync(UserRules.ToSpec(body, body.Name!));
        return Results.Created($"/api/v1/users/{Uri.EscapeDataString(user.Name)}", user);
    }

    public static async Task<IResult> GetAsync(IGrainFactory grains, string user) =>
        (await grains.GetGrain<IUserGrain>(user).GetAsync() is { } found
            ? Results.Ok(found)
            : throw ServingException.NotFound($"User '{user}'"));

    public static async Task<IResult> UpdateAsync(IGrainFactory grains, string user, UserRequest body) =>
        Validate(body) ?? Results.Ok(await grains.GetGrain<IUserGrain>(user).UpdateAsync(UserRules.ToSpec(body, user)));

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

        var created = await grains.GetGrain<IUserGrain>(user).CreateKeyAsync(KeyRules.ToSettings(body));
        return Results.Created($"/api/v1/users/{Uri.EscapeDataString(user)}/keys/{created.Key.Id}", KeyResponse.From(created.Key, created.Token));
    }

    public static async Task<IResult> UpdateKeyAsync(IGrainFactory grains, string user, string key, KeyRequest body) =>
        Validate(body)
            ?? Results.Ok(KeyResponse.From(await grains.GetGrain<IUserGrain>(user).UpdateKeyAsync(key, KeyRules.ToSettings(body))));

    public static async Task<IResult> DeleteKeyAsync(IGrainFactory grains, string user, string key)
    {
        await grains.GetGrain<IUserGrain>(user).DeleteKeyAsync(key);
        return Results.NoContent();
    }

    private static IResult? Validate(KeyRequest body) => KeyRules.Validate(body) is { Count: > 0 } errors ? Results.ValidationProblem(errors) : null;

    private static IResult? Validate(UserRequest body) => UserRules.Validate(body) is { Count: > 0 } errors ? Results.ValidationProblem(errors) : null;
}
