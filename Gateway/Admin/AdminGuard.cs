using Verge.Orleans.Gateway.Identity;

namespace Verge.Orleans.Gateway.Admin;

/// <summary>The admin API's two rules: admins may do anything; others only what concerns their own user.</summary>
internal static class AdminGuard
{
    public static IResult? RequireAdmin(HttpContext http) =>
        http.Grant().Admin ? null : Results.Problem(statusCode: 403, title: "Forbidden", detail: "Only administrators may do this.");

    public static IResult? RequireSelfOrAdmin(HttpContext http, string user) =>
        http.Grant() is var grant && (grant.Admin || grant.User == user)
            ? null
            : Results.Problem(statusCode: 403, title: "Forbidden", detail: "You may manage only your own user and keys.");
}
