using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Identity;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Abstractions.Responses;
using Verge.Orleans.Grains.Abstractions.Sessions;

namespace Verge.Orleans.Grains.Identity;

internal sealed class UserGrain(
    [PersistentState("user", StorageNames.Verge)] IPersistentState<UserState> state,
    TimeProvider time) : Grain, IUserGrain
{
    private string Name => this.GetPrimaryKeyString();

    private UserSpec Existing => state.State.User ?? throw ServingException.NotFound($"User '{Name}'");

    async Task<UserSpec> IUserGrain.CreateAsync(UserSpec user)
    {
        if (state.State.User is not null)
        {
            throw ServingException.Conflict($"User '{Name}'");
        }

        state.State = new UserState { User = user with { Name = Name, Created = time.GetUtcNow() } };
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IUserDirectoryGrain>(0).AddAsync(Name);
        return state.State.User;
    }

    Task<UserSpec?> IUserGrain.GetAsync() => Task.FromResult(state.State.User);

    async Task<UserSpec> IUserGrain.UpdateAsync(UserSpec user)
    {
        state.State.User = user with { Name = Name, Created = Existing.Created };
        await state.WriteStateAsync();
        return state.State.User;
    }

    async Task IUserGrain.DeleteAsync()
    {
        _ = Existing;
        await Task.WhenAll(state.State.Keys.Select(k => GrainFactory.GetGrain<IApiKeyGrain>(k).RevokeAsync()));
        // Sessions and stored responses are keyed by user name: a later user of the same name must not inherit them.
        await GrainFactory.GetGrain<IUserSessionsGrain>(ChatSessionKeys.UserSessions(Name)).DeleteAllAsync();
        await GrainFactory.GetGrain<IUserResponsesGrain>(StoredResponseKeys.UserResponses(Name)).DeleteAllAsync();
        await state.ClearStateAsync();
        state.State = new UserState();
        await GrainFactory.GetGrain<IUserDirectoryGrain>(0).RemoveAsync(Name);
    }

    async Task<CreatedApiKey> IUserGrain.CreateKeyAsync(ApiKeySettings settings, string? token)
    {
        _ = Existing;
        var id = token is null ? null : ApiKeyToken.IdOf(token);
        if (id is null)
        {
            (id, token) = ApiKeyToken.Create();
        }

        var info = await GrainFactory.GetGrain<IApiKeyGrain>(id).CreateAsync(Name, settings, ApiKeyToken.Hash(token!));
        state.State.Keys.Add(id);
        await state.WriteStateAsync();
        return new CreatedApiKey(info, token!);
    }

    async Task<IReadOnlyList<ApiKeyInfo>> IUserGrain.ListKeysAsync()
    {
        _ = Existing;
        var keys = await Task.WhenAll(state.State.Keys.Select(k => GrainFactory.GetGrain<IApiKeyGrain>(k).GetAsync()));
        return keys.OfType<ApiKeyInfo>().OrderBy(k => k.Created).ToArray();
    }

    async Task IUserGrain.DeleteKeyAsync(string keyId)
    {
        OwnKey(keyId);
        await GrainFactory.GetGrain<IApiKeyGrain>(keyId).RevokeAsync();
        state.State.Keys.Remove(keyId);
        await state.WriteStateAsync();
    }

    Task<ApiKeyInfo> IUserGrain.UpdateKeyAsync(string keyId, ApiKeySettings settings)
    {
        OwnKey(keyId);
        return GrainFactory.GetGrain<IApiKeyGrain>(keyId).UpdateAsync(settings);
    }

    private void OwnKey(string keyId)
    {
        _ = Existing;
        if (!state.State.Keys.Contains(keyId))
        {
            throw ServingException.NotFound($"Key '{keyId}' of user '{Name}'");
        }
    }
}
