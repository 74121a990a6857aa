using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Responses;
using Verge.Orleans.Grains.Sessions;

namespace Verge.Orleans.Grains.Responses;

/// <summary>
/// One stored response. Expiry is checked on every read, and a reminder deletes a response nobody reads
/// again: it first fires when the response expires (or after the longest reminder delay), then daily.
/// </summary>
internal sealed class StoredResponseGrain(
    [PersistentState("stored-response", StorageNames.Verge)] IPersistentState<StoredResponseState> state,
    IOptions<ChatHistoryOptions> options,
    [FromKeyedServices(ChatHistoryOptions.Clock)] TimeProvider time) : Grain, IStoredResponseGrain, IRemindable
{
    private const string Expiry = "expire-response";

    // Orleans reminders take delays below about 49 days.
    private static readonly TimeSpan LongestDelay = TimeSpan.FromDays(40);

    async Task<StoredResponse?> IStoredResponseGrain.GetAsync() => await ExistsAsync() ? state.State.Response : null;

    async Task IStoredResponseGrain.SaveAsync(StoredResponse response)
    {
        state.State.Response = response with { Created = time.GetUtcNow() };
        await state.WriteStateAsync();
        var due = options.Value.Lifetime < LongestDelay ? options.Value.Lifetime : LongestDelay;
        await this.RegisterOrUpdateReminder(Expiry, due, TimeSpan.FromDays(1));
    }

    async Task<bool> IStoredResponseGrain.DeleteAsync()
    {
        var existed = await ExistsAsync();
        if (existed)
        {
            await ClearAsync();
        }

        return existed;
    }

    async Task IRemindable.ReceiveReminder(string reminderName, TickStatus status) => await ExistsAsync();

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
        if (await this.GetReminder(Expiry) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }
}
