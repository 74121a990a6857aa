using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Verge.Orleans.Gateway.Identity;
using Verge.Orleans.Grains.Abstractions.Identity;

namespace Verge.Orleans.Gateway.WebConsole;

/// <summary>Signing in and out: plain form posts, since only an HTTP response can set or clear the cookie.</summary>
internal static class ConsoleEndpoints
{
    public const string SignInPath = "/console/signin";

    public const string SignOutPath = "/console/signout";

    /// <summary>Checks the key like the APIs do and keeps the user, its role and the key's id and hash in the console's cookie.</summary>
    public static async Task<IResult> SignInAsync(HttpContext http, ApiKeyAuthenticator authenticator, [FromForm] string key, [FromForm] string? returnUrl)
    {
        var token = key.Trim();
        var (grant, status) = await authenticator.AuthenticateAsync(token, http.Connection.RemoteIpAddress, http.RequestAborted);
        if (grant is null)
        {
            return Results.Redirect($"{ConsoleCookie.SignInPath}?error={(status == 403 ? "ip" : "key")}");
        }

        await http.SignInAsync(VergeSchemes.Console, VergeClaims.Principal(grant, VergeSchemes.Console, ApiKeyToken.Hash(token)));
        return Results.LocalRedirect(returnUrl is { Length: > 0 } local && local.StartsWith('/') && !local.StartsWith("//", StringComparison.Ordinal) ? local : "/");
    }

    public static async Task<IResult> SignOutAsync(HttpContext http)
    {
        await http.SignOutAsync(VergeSchemes.Console);
        return Results.Redirect(ConsoleCookie.SignInPath);
    }
}
