using Verge.Orleans.Grains.Abstractions.Identity;

namespace Verge.Orleans.Grains.Abstractions.Grains;

/// <summary>A user and the keys it owns. Keyed by user name.</summary>
[Alias("verge.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Creates the user; 409 when it exists.</summary>
    [Alias("CreateAsync")]
    Task<UserSpec> CreateAsync(UserSpec user);

    /// <summary>The user, or null when it does not exist.</summary>
    [Alias("GetAsync")]
    Task<UserSpec?> GetAsync();

    /// <summary>Replaces type, admin, enabled and the assistant list; 404 when missing.</summary>
    [Alias("UpdateAsync")]
    Task<UserSpec> UpdateAsync(UserSpec user);

    /// <summary>Deletes the user and revokes its keys; 404 when missing.</summary>
    [Alias("DeleteAsync")]
    Task DeleteAsync();

    /// <summary>Creates a key; the result carries the token, shown once.</summary>
    [Alias("CreateKeyAsync")]
    Task<CreatedApiKey> CreateKeyAsync(ApiKeySettings settings, string? token = null);

    [Alias("ListKeysAsync")]
    Task<IReadOnlyList<ApiKeyInfo>> ListKeysAsync();

    /// <summary>Revokes one of the user's keys at once; 404 when it is not the user's.</summary>
    [Alias("DeleteKeyAsync")]
    Task DeleteKeyAsync(string keyId);

    /// <summary>Edits one of the user's keys' metadata; 404 when it is not the user's.</summary>
    [Alias("UpdateKeyAsync")]
    Task<ApiKeyInfo> UpdateKeyAsync(string keyId, ApiKeySettings settings);
}
