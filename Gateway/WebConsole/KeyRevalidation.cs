using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Verge.Orleans.Gateway.Identity;

namespace Verge.Orleans.Gateway.WebConsole;

/// <summary>
/// Verifies an open console's key again every few seconds: a revoked key, a disabled user or a changed
/// role ends the circuit's sign-in (the page then goes back to the sign-in form), as the next request
/// would with the cookie.
/// </summary>
internal sealed class KeyRevalidation(ILoggerFactory loggers, ApiKeyAuthenticator authenticator, IHttpContextAccessor http)
    : RevalidatingServerAuthenticationStateProvider(loggers)
{
    // The address the circuit was opened from (its HTTP request is gone once the circuit runs).
    private readonly IPAddress? _address = http.HttpContext?.Connection.RemoteIpAddress;

    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(5);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        var user = authenticationState.User;
        if (user.FindFirstValue(VergeClaims.KeyId) is not { } id || user.FindFirstValue(VergeClaims.KeyHash) is not { } hash)
        {
            return false;
        }

        var (grant, _) = await authenticator.VerifyAsync(id, Convert.FromBase64String(hash), _address, cancellationToken);
        return grant is not null && grant.Admin == user.IsInRole(VergeClaims.AdminRole);
    }
}
