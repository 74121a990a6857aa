using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Verge.Orleans.Gateway.Identity;

/// <summary>
/// The console's sign-in: an HttpOnly cookie holding the user, its role and the key it signed in with
/// (id and hash, never the token), encrypted with the cluster's Data Protection keys so every gateway
/// accepts it. The key is verified again on every request, so revoking it signs the console out.
/// </summary>
internal static class ConsoleCookie
{
    public const string SignInPath = "/signin";

    public const string DeniedPath = "/denied";

    public static void Configure(CookieAuthenticationOptions options)
    {
        options.Cookie.Name = "verge_console";
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Strict;
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.LoginPath = SignInPath;
        options.AccessDeniedPath = DeniedPath;
        options.ExpireTimeSpan = TimeSpan.FromHours(12);
        options.SlidingExpiration = true;
        options.Events.OnValidatePrincipal = ValidateAsync;
    }

    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal!;
        var id = principal.FindFirstValue(VergeClaims.KeyId);
        var hash = principal.FindFirstValue(VergeClaims.KeyHash);
        var http = context.HttpContext;
        var authenticator = http.RequestServices.GetRequiredService<ApiKeyAuthenticator>();
        var (grant, _) = id is null || hash is null
            ? (null, 401)
            : await authenticator.VerifyAsync(id, Convert.FromBase64String(hash), http.Connection.RemoteIpAddress, http.RequestAborted);
        if (grant is null)
        {
            context.RejectPrincipal();
            await http.SignOutAsync(VergeSchemes.Console);
            return;
        }

        if (grant.Admin != principal.IsInRole(VergeClaims.AdminRole))
        {
            context.ReplacePrincipal(VergeClaims.Principal(grant, VergeSchemes.Console, Convert.FromBase64String(hash!)));
            context.ShouldRenew = true;
        }
    }
}
