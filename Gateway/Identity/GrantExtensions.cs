using Verge.Orleans.Grains.Abstractions.Identity;

namespace Verge.Orleans.Gateway.Identity;

internal static class GrantExtensions
{
    /// <summary>The caller's verified key (set by <see cref="ApiKeyAuthenticationHandler"/>).</summary>
    public static ApiKeyGrant Grant(this HttpContext http) =>
        http.Features.Get<ApiKeyGrant>() ?? throw new InvalidOperationException("The endpoint does not require an API key.");

    public static bool MayUse(this ApiKeyGrant grant, string assistant) =>
        grant.AllowedAssistants is null || grant.AllowedAssistants.Contains(assistant, StringComparer.Ordinal);
}
