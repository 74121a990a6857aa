using System.Security.Cryptography;
using System.Text;

namespace Verge.Orleans.Grains.Abstractions.Identity;

/// <summary>
/// The bearer secret: <c>vk_{id}_{secret}</c>. The id names the key's grain so verifying needs no index;
/// only the SHA-256 of the whole token is stored (the secret has 256 bits of entropy, so a fast hash suffices).
/// </summary>
public static class ApiKeyToken
{
    private const string Prefix = "vk_";

    public static (string Id, string Token) Create()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (id, $"{Prefix}{id}_{secret}");
    }

    /// <summary>The key id a token claims, or null when the text is not shaped like a token.</summary>
    public static string? IdOf(string token)
    {
        if (!token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length != Prefix.Length + 16 + 1 + 43 || token[Prefix.Length + 16] != '_')
        {
            return null;
        }

        var id = token.Substring(Prefix.Length, 16);
        return id.All(char.IsAsciiHexDigitLower) ? id : null;
    }

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
