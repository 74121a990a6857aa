using System.Security.Claims;
using Verge.Orleans.Grains.Abstractions.Identity;

namespace Verge.Orleans.Gateway.Identity;

/// <summary>How a verified key becomes a principal: the user's name, the admin role, and the key (id and hash of its token).</summary>
internal static class VergeClaims
{
    public const string AdminRole = "admin";

    public const string KeyId = "verge:key";

    public const string KeyHash = "verge:key-hash";

    public static ClaimsPrincipal Principal(ApiKeyGrant grant, string scheme, byte[]? keyHash = null)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, grant.User), new(KeyId, grant.KeyId) };
        if (grant.Admin)
        {
            claims.Add(new Claim(ClaimTypes.Role, AdminRole));
        }

        if (keyHash is not null)
        {
            claims.Add(new Claim(KeyHash, Convert.ToBase64String(keyHash)));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }
}
