using Verge.Orleans.Gateway.Identity;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Sessions;

namespace Verge.Orleans.Gateway.Admin;

/// <summary>
/// The caller's chat sessions. Sessions live in their user's namespace, so another user's session id is
/// simply unknown here (404); admins reach other users' sessions with <c>?user=</c>.
/// </summary>
internal static class SessionsEndpoints
{
    public static RouteGroupBuilder MapSessions(this RouteGroupBuilder api)
    {
        api.MapGet("/sessions", ListAsync);
        api.MapGet("/sessions/{id}", GetAsync);
        api.MapDelete("/sessions/{id}", DeleteAsync);
        return api;
    }

    public static async Task<IResult> ListAsync(HttpContext http, IGrainFactory grains, string? user = null) =>
        Results.Ok(await grains.GetGrain<IUserSessionsGrain>(ChatSessionKeys.UserSessions(OwnerOf(http, user))).ListAsync());

    public static async Task<IResult> GetAsync(HttpContext http, IGrainFactory grains, string id, string? user = null) =>
        Validate(id)
        ?? (await grains.GetGrain<IChatSessionGrain>(ChatSessionKeys.Session(OwnerOf(http, user), id)).GetAsync() is { } session
            ? Results.Ok(session)
            : NotFound(id));

    public static async Task<IResult> DeleteAsync(HttpContext http, IGrainFactory grains, string id, string? user = null) =>
        Validate(id)
        ?? (await grains.GetGrain<IUserSessionsGrain>(ChatSessionKeys.UserSessions(OwnerOf(http, user))).DeleteAsync(id)
            ? Results.NoContent()
            : NotFound(id));

    // The route group's policy lets only admins name another user.
    private static string OwnerOf(HttpContext http, string? user) => user ?? http.Grant().User;

    private static IResult? Validate(string id) => ChatSessionKeys.IsValid(id)
        ? null
        : Results.ValidationProblem(new Dictionary<string, string[]> { ["session_id"] = [ChatSessionKeys.Rule] });

    private static IResult NotFound(string id) =>
        Results.Problem(statusCode: 404, title: "not_found", detail: $"Session '{id}' does not exist.");
}
