using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Responses;
using Verge.Orleans.Grains.Sessions;

namespace Verge.Orleans.Grains.Responses;

/// <summary>
/// One stored response. It never calls other grains, so the user's index may call it freely. Expiry is
/// checked on every access: an expired response is cleared from storage and reads as absent.
/// </summary>
internal sealed class StoredResponseGrain(
    [PersistentState("stored-response", StorageNames.Verge)] IPersistentState<StoredResponseState> state,
    IOptions<ChatHistoryOptions> options,
    [FromKeyedServices(ChatHistoryOptions.Clock)] TimeProvider time) : Grain, IStoredResponseGrain
{
    async Task<StoredResponse?> IStoredResponseGrain.GetAsync() => await ExistsAsync() ? state.State.Response : null;

    async Task IStoredResponseGrain.SaveAsync(StoredResponse response)
    {
        state.State.Response = response;
        await state.WriteStateAsync();
    }

    async Task<bool> IStoredResponseGrain.DeleteAsync()
    {
        var existed = await ExistsAsync();
        if (state.RecordExists)
        {
            await ClearAsync();
        }

        return existed;
    }

    private async Task<bool> ExistsAsync()
    {
        if (state.State.Response is not { } response)
        {
            return false;
        }

        if (time.GetUtcNow() - response.Created <= options.Value.Lifetime)
        {
            return true;
        }

        await ClearAsync();
        return false;
    }

    private async Task ClearAsync()
    {
        await state.ClearStateAsync();
        state.State = new StoredResponseState();
    }
}
