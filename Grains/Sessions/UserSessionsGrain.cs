using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Sessions;

namespace Verge.Orleans.Grains.Sessions;

/// <summary>
/// A user's session list. Every write passes here so the list and the sessions stay in step; calls go
/// only from this grain to the sessions, never back, so the two cannot wait on each other. A daily
/// reminder removes expired sessions of users who do not come back.
/// </summary>
internal sealed class UserSessionsGrain(
    [PersistentState("user-chat-sessions", StorageNames.Verge)] IPersistentState<UserSessionsState> state,
    IOptions<ChatHistoryOptions> options,
    [FromKeyedServices(ChatHistoryOptions.Clock)] TimeProvider time) : Grain, IUserSessionsGrain, IRemindable
{
    private const string Sweep = "expire-sessions";

    private string User
    {
        get
        {
            var key = this.GetPrimaryKeyString();
            return key[(key.IndexOf('/') + 1)..];
        }
    }

    private IChatSessionGrain Session(string id) => GrainFactory.GetGrain<IChatSessionGrain>(ChatSessionKeys.Session(User, id));

    async Task<IReadOnlyList<ChatSessionSummary>> IUserSessionsGrain.ListAsync()
    {
        await RemoveExpiredAsync();
        return state.State.Sessions.Values.OrderByDescending(s => s.Updated).ToArray();
    }

    async Task IRemindable.ReceiveReminder(string reminderName, TickStatus status)
    {
        await RemoveExpiredAsync();
        if (state.State.Sessions.Count == 0 && await this.GetReminder(Sweep) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private async Task RemoveExpiredAsync()
    {
        var now = time.GetUtcNow();
        var expired = state.State.Sessions.Values.Where(s => now - s.Updated > options.Value.Lifetime).Select(s => s.Id).ToArray();
        if (expired.Length > 0)
        {
            await Task.WhenAll(expired.Select(id => Session(id).DeleteAsync()));
            foreach (var id in expired)
            {
                state.State.Sessions.Remove(id);
            }

            await state.WriteStateAsync();
        }
    }

    async Task<ChatSessionSummary> IUserSessionsGrain.AppendAsync(string sessionId, ChatTurn turn)
    {
        if (!state.State.Sessions.ContainsKey(sessionId) && state.State.Sessions.Count >= options.Value.ChatHistoryMaxSessions)
        {
            var oldest = state.State.Sessions.Values.MinBy(s => s.Updated)!.Id;
            await Session(oldest).DeleteAsync();
            state.State.Sessions.Remove(oldest);
        }

        if (state.State.Sessions.Count == 0)
        {
            await this.RegisterOrUpdateReminder(Sweep, TimeSpan.FromHours(1), TimeSpan.FromDays(1));
        }

        var summary = await Session(sessionId).AppendAsync(turn);
        state.State.Sessions[sessionId] = summary;
        await state.WriteStateAsync();
        return summary;
    }

    async Task<bool> IUserSessionsGrain.DeleteAsync(string sessionId)
    {
        var existed = await Session(sessionId).DeleteAsync();
        if (state.State.Sessions.Remove(sessionId))
        {
            await state.WriteStateAsync();
        }

        return existed;
    }

    async Task IUserSessionsGrain.DeleteAllAsync()
    {
        await Task.WhenAll(state.State.Sessions.Keys.Select(id => Session(id).DeleteAsync()));
        await state.ClearStateAsync();
        state.State = new UserSessionsState();
    }
}
