using System.Security.Cryptography;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Identity;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Abstractions.Limits;

namespace Verge.Orleans.Grains.Identity;

internal sealed class ApiKeyGrain(
    [PersistentState("key", StorageNames.Verge)] IPersistentState<ApiKeyState> state,
    TimeProvider time) : Grain, IApiKeyGrain
{
    // Last use is written at most this often; in between it is kept in memory.
    private static readonly TimeSpan UsePersistInterval = TimeSpan.FromMinutes(1);
    private DateTimeOffset _persistedUse;

    private ApiKeyInfo Existing => state.State is { Key: { } key, Revoked: false } ? key : throw ServingException.NotFound($"Key '{this.GetPrimaryKeyString()}'");

    async Task<ApiKeyInfo> IApiKeyGrain.CreateAsync(string user, ApiKeySettings settings, byte[] tokenHash)
    {
        if (state.State.Key is not null)
        {
            throw ServingException.Conflict($"Key '{this.GetPrimaryKeyString()}'");
        }

        state.State = new ApiKeyState
        {
            Key = new ApiKeyInfo { Id = this.GetPrimaryKeyString(), User = user, Settings = settings, Created = time.GetUtcNow() },
            TokenHash = tokenHash,
        };
        await state.WriteStateAsync();
        return state.State.Key;
    }

    Task<ApiKeyInfo?> IApiKeyGrain.GetAsync() => Task.FromResult(state.State.Revoked ? null : state.State.Key);

    async Task<ApiKeyInfo> IApiKeyGrain.UpdateAsync(ApiKeySettings settings)
    {
        state.State.Key = Existing with { Settings = settings };
        await state.WriteStateAsync();
        return state.State.Key;
    }

    async Task IApiKeyGrain.RevokeAsync()
    {
        if (state.State.Key is not null && !state.State.Revoked)
        {
            state.State.Revoked = true;
            state.State.TokenHash = [];
            await state.WriteStateAsync();
        }
    }

    async Task<ApiKeyGrant?> IApiKeyGrain.VerifyAsync(byte[] tokenHash, string? ip)
    {
        if (state.State is not { Key: { } key, Revoked: false } || !CryptographicOperations.FixedTimeEquals(state.State.TokenHash, tokenHash))
        {
            return null;
        }

        var user = await GrainFactory.GetGrain<IUserGrain>(key.User).GetAsync();
        if (user is not { Enabled: true })
        {
            return null;
        }

        await RecordUseAsync(key, ip);
        var settings = key.Settings;
        return new ApiKeyGrant
        {
            KeyId = key.Id,
            User = user.Name,
            Admin = user.Admin,
            Weight = user.Weight > 0 ? user.Weight : 1, // users stored before weights existed read back as 0
            Expires = settings.ExpirationType == ExpirationType.SetDate ? settings.Expires : null,
            IpAllowList = settings.IpAllowList,
            IpDenyList = settings.IpDenyList,
            UserLimits = user.Limits ?? UsageLimits.None,
            KeyLimits = settings.Limits ?? UsageLimits.None,
            AllowedAssistants = (user.AllowedAssistants, settings.AllowedAssistants) switch
            {
                (null, var keys) => keys,
                (var users, null) => users,
                (var users, var keys) => users.Intersect(keys).ToArray(),
            },
        };
    }

    private async Task RecordUseAsync(ApiKeyInfo key, string? ip)
    {
        var now = time.GetUtcNow();
        state.State.Key = key with { LastUsed = now, LastUsedIp = ip };
        if (now - _persistedUse >= UsePersistInterval || key.LastUsedIp != ip)
        {
            _persistedUse = now;
            await state.WriteStateAsync();
        }
    }
}
