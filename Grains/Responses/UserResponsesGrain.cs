using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Responses;
using Verge.Orleans.Grains.Sessions;

namespace Verge.Orleans.Grains.Responses;

/// <summary>
/// A user's index of stored responses. Calls go only from here to the responses, never back. A daily
/// reminder deletes expired responses nobody reads again (a read deletes them too).
/// </summary>
internal sealed class UserResponsesGrain(
    [PersistentState("user-responses", StorageNames.Verge)] IPersistentState<UserResponsesState> state,
    IOptions<ChatHistoryOptions> options,
    [FromKeyedServices(ChatHistoryOptions.Clock)] TimeProvider time) : Grain, IUserResponsesGrain, IRemindable
{
    private const string Sweep = "expire-responses";

    private string User
    {
        get
        {
            var key = this.GetPrimaryKeyString();
            return key[(key.IndexOf('/') + 1)..];
        }
    }

    private IStoredResponseGrain Response(string id) => GrainFactory.GetGrain<IStoredResponseGrain>(StoredResponseKeys.Response(User, id));

    async Task IUserResponsesGrain.SaveAsync(StoredResponse response)
    {
        if (state.State.Responses.Count == 0)
        {
            await this.RegisterOrUpdateReminder(Sweep, TimeSpan.FromHours(1), TimeSpan.FromDays(1));
        }

        var now = time.GetUtcNow();
        await Response(response.Id).SaveAsync(response with { Created = now });
        state.State.Responses[response.Id] = now;
        await state.WriteStateAsync();
    }

    async Task<bool> IUserResponsesGrain.DeleteAsync(string responseId)
    {
        var existed = await Response(responseId).DeleteAsync();
        if (state.State.Responses.Remove(responseId))
        {
            await state.WriteStateAsync();
        }

        return existed;
    }

    async Task IUserResponsesGrain.DeleteAllAsync()
    {
        await Task.WhenAll(state.State.Responses.Keys.Select(id => Response(id).DeleteAsync()));
        await state.ClearStateAsync();
        state.State = new UserResponsesState();
        if (await this.GetReminder(Sweep) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    async Task IRemindable.ReceiveReminder(string reminderName, TickStatus status)
    {
        var now = time.GetUtcNow();
        var expired = state.State.Responses.Where(r => now - r.Value > options.Value.Lifetime).Select(r => r.Key).ToArray();
        if (expired.Length > 0)
        {
            // An expired response deletes itself from storage when asked for.
            await Task.WhenAll(expired.Select(id => Response(id).GetAsync()));
            foreach (var id in expired)
            {
                state.State.Responses.Remove(id);
            }

            await state.WriteStateAsync();
        }

        if (state.State.Responses.Count == 0 && await this.GetReminder(Sweep) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }
}
