using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Verge.Orleans.Gateway.Identity;

namespace Verge.Orleans.Gateway.Operations;

/// <summary>
/// The Orleans Dashboard for administrators: a bearer admin key, or the cookie the login form sets
/// (browsers cannot send a bearer header when they open a page). The cookie holds the key encrypted
/// and time-limited by ASP.NET Data Protection, and is checked like a key on every request, so a
/// revoked key or a demoted user loses the dashboard too.
/// </summary>
internal static class DashboardEndpoints
{
    public const string Prefix = "/dashboard";

    private static readonly TimeSpan CookieLifetime = TimeSpan.FromHours(12);

    public static async ValueTask<object?> RequireAdminAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!http.Request.Headers.ContainsKey("Authorization") && Unprotect(http) is { } key)
        {
            http.Request.Headers.Authorization = "Bearer " + key;
        }

        var (grant, status) = await http.RequestServices.GetRequiredService<ApiKeyAuthenticator>().AuthenticateAsync(http);
        return grant switch
        {
            null => Page(status == 403 ? 403 : 401, "Sign in with an administrator's API key.", showForm: true),
            { Admin: false } => Page(403, "Only administrators may open the dashboard.", showForm: true),
            _ => await next(context),
        };
    }

    public static IResult LoginForm() => Page(200, "Sign in with an administrator's API key.", showForm: true);

    /// <summary>Checks the key and, for an administrator, keeps it in an HttpOnly, SameSite=Strict cookie.</summary>
    public static async Task<IResult> LoginAsync(HttpContext http, ApiKeyAuthenticator authenticator)
    {
        if (!http.Request.HasFormContentType)
        {
            return Page(400, "Send the key from the sign-in form.", showForm: true);
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var key = form["key"].ToString().Trim();
        http.Request.Headers.Authorization = "Bearer " + key;
        var (grant, _) = await authenticator.AuthenticateAsync(http);
        if (grant is not { Admin: true })
        {
            return Page(grant is null ? 401 : 403, "That key does not belong to an administrator.", showForm: true);
        }

        http.Response.Cookies.Append(CookieName, Protector(http).Protect(key, CookieLifetime), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = http.Request.IsHttps,
            Path = Prefix,
            MaxAge = CookieLifetime,
        });
        return Results.Redirect(Prefix + "/");
    }

    private const string CookieName = "verge_dashboard";

    private static ITimeLimitedDataProtector Protector(HttpContext http) =>
        http.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector("Verge.Dashboard").ToTimeLimitedDataProtector();

    private static string? Unprotect(HttpContext http)
    {
        if (http.Request.Cookies[CookieName] is not { Length: > 0 } cookie)
        {
            return null;
        }

        try
        {
            return Protector(http).Unprotect(cookie);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null; // expired, tampered with, or from another gateway's keys: sign in again
        }
    }

    private static IResult Page(int status, string message, bool showForm)
    {
        var form = showForm
            ? $"<form method=\"post\" action=\"{Prefix}/login\"><input type=\"password\" name=\"key\" placeholder=\"vk_...\" size=\"70\" autofocus> <button>Sign in</button></form>"
            : "";
        return Results.Content(
            $"<!doctype html><title>Verge.Orleans dashboard</title><h1>Verge.Orleans dashboard</h1><p>{WebUtility.HtmlEncode(message)}</p>{form}",
            "text/html; charset=utf-8", statusCode: status);
    }
}
