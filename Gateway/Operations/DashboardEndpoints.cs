using System.Net;
using Verge.Orleans.Gateway.Identity;

namespace Verge.Orleans.Gateway.Operations;

/// <summary>
/// The Orleans Dashboard for administrators: a bearer admin key, or the cookie the login form sets
/// (browsers cannot send a bearer header when they open a page).
/// </summary>
internal static class DashboardEndpoints
{
    public const string Prefix = "/dashboard";

    public static async ValueTask<object?> RequireAdminAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.Request.Path.Equals(Prefix + "/login", StringComparison.Ordinal))
        {
            return await next(context);
        }

        var (grant, status) = await http.RequestServices.GetRequiredService<ApiKeyAuthenticator>().AuthenticateAsync(http, allowCookie: true);
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
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var key = form["key"].ToString().Trim();
        http.Request.Headers.Authorization = "Bearer " + key;
        var (grant, _) = await authenticator.AuthenticateAsync(http);
        if (grant is not { Admin: true })
        {
            return Page(grant is null ? 401 : 403, "That key does not belong to an administrator.", showForm: true);
        }

        http.Response.Cookies.Append(ApiKeyAuthenticator.CookieName, key, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = http.Request.IsHttps,
            Path = Prefix,
            MaxAge = TimeSpan.FromHours(12),
        });
        return Results.Redirect(Prefix + "/");
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
