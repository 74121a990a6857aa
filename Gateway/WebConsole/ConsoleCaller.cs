using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Verge.Orleans.Gateway.Identity;
using Verge.Orleans.Grains.Abstractions.Identity;

namespace Verge.Orleans.Gateway.WebConsole;

/// <summary>
/// Who uses this console circuit: the signed-in user, and its key verified again (as the APIs verify a
/// key) before anything is generated in its name, so a key revoked mid-session stops working here too.
/// </summary>
internal sealed class ConsoleCaller(AuthenticationStateProvider authentication, ApiKeyAuthenticator authenticator, IHttpContextAccessor http)
{
    // The address the circuit was opened from (its HTTP request is gone once the circuit runs).
    private readonly IPAddress? _address = http.HttpContext?.Connection.RemoteIpAddress;

    public async Task<ClaimsPrincipal> UserAsync() => (await authentication.GetAuthenticationStateAsync()).User;

    public async Task<string> NameAsync() => (await UserAsync()).Identity?.Name ?? throw new UnauthorizedAccessException("Sign in first.");

    public async Task<bool> IsAdminAsync() => (await UserAsync()).IsInRole(VergeClaims.AdminRole);

    public async Task<ApiKeyGrant> GrantAsync(CancellationToken cancellation)
    {
        var user = await UserAsync();
        var (grant, _) = user.FindFirstValue(VergeClaims.KeyId) is { } id && user.FindFirstValue(VergeClaims.KeyHash) is { } hash
            ? await authenticator.VerifyAsync(id, Convert.FromBase64String(hash), _address, cancellation)
            : (null, 401);
        return grant ?? throw new UnauthorizedAccessException("The key you signed in with is no longer valid here: sign in again.");
    }
}
