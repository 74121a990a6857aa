using System.Net;
using Microsoft.AspNetCore.Authentication;
using Verge.Orleans.Gateway.Identity;
using Verge.Orleans.Grains.Abstractions.Identity;

namespace Verge.Orleans.Gateway.Operations;

/// <summary>
/// The Orleans Dashboard for administrators (the <see cref="VergePolicies.Dashboard"/> policy): a bearer
/// admin key, or the console's sign-in cookie, which the login form here sets too (browsers cannot send a
/// bearer header when they open a page). Refusals are small HTML pages with the login form.
/// </summary>
internal static class DashboardEndpoints
{
    public const string Prefix = "/dashboard";

    public static IResult LoginForm() => Page(200, "Sign in with an administrator's API key.");

    /// <summary>Checks the key and, for an administrator, signs in with the console's HttpOnly cookie.</summary>
    public static async Task<IResult> LoginAsync(HttpContext http, ApiKeyAuthenticator authenticator)
    {
        if (!http.Request.HasFormContentType)
        {
            return Page(400, "Send the key from the sign-in form.");
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var key = form["key"].ToString().Trim();
        var (grant, _) = await authenticator.AuthenticateAsync(key, http.Connection.RemoteIpAddress, http.RequestAborted);
        if (grant is not { Admin: true })
        {
            return Page(grant is null ? 401 : 403, "That key does not belong to an administrator.");
        }

        await http.SignInAsync(VergeSchemes.Console, VergeClaims.Principal(grant, VergeSchemes.Console, ApiKeyToken.Hash(key)));
        return Results.Redirect(Prefix + "/");
    }

    /// <summary>The dashboard's answer to a caller without an administrator's key (401) or with another user's (403).</summary>
    public static IResult Refusal(int status) =>
        Page(status, status == 401 ? "Sign in with an administrator's API key." : "Only administrators may open the dashboard.");

    private static IResult Page(int status, string message) => Results.Content(
        $"<!doctype html><title>Verge.Orleans dashboard</title><h1>Verge.Orleans dashboard</h1><p>{WebUtility.HtmlEncode(message)}</p>"
        + $"<form method=\"post\" action=\"{Prefix}/login\"><input type=\"password\" name=\"key\" placeholder=\"vk_...\" size=\"70\" autofocus> <button>Sign in</button></form>",
        "text/html; charset=utf-8", statusCode: status);
}
