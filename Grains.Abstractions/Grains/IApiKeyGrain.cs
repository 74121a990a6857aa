using Verge.Orleans.Grains.Abstractions.Identity;

namespace Verge.Orleans.Grains.Abstractions.Grains;

/// <summary>One API key: metadata and the hash of its token. Keyed by key id.</summary>
[Alias("verge.IApiKeyGrain")]
public interface IApiKeyGrain : IGrainWithStringKey
{
    [Alias("CreateAsync")]
    Task<ApiKeyInfo> CreateAsync(string user, ApiKeySettings settings, byte[] tokenHash);

    /// <summary>The key's metadata, or null when it does not exist or was revoked.</summary>
    [Alias("GetAsync")]
    Task<ApiKeyInfo?> GetAsync();

    [Alias("UpdateAsync")]
    Task<ApiKeyInfo> UpdateAsync(ApiKeySettings settings);

    /// <summary>Revokes the key: it never verifies again.</summary>
    [Alias("RevokeAsync")]
    Task RevokeAsync();

    /// <summary>
    /// Verifies a token's hash in constant time and records the use. Null when the key is unknown,
    /// revoked, or its user is missing or disabled. Expiry and IP lists are enforced by the caller.
    /// </summary>
    [Alias("VerifyAsync")]
    Task<ApiKeyGrant?> VerifyAsync(byte[] tokenHash, string? ip);
}
