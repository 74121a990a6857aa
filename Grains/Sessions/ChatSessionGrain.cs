using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Sessions;

namespace Verge.Orleans.Grains.Sessions;

/// <summary>
/// One user's chat session. It never calls other grains, so the user's list may call it freely.
/// Expiry is checked on every access: an expired session is cleared from storage and reads as absent.
/// </summary>
internal sealed partial class ChatSessionGrain(
    [PersistentState("chat-session", StorageNames.Verge)] IPersistentState<ChatSessionState> state,
    IOptions<ChatHistoryOptions> options,
    [FromKeyedServices(ChatHistoryOptions.Clock)] TimeProvider time) : Grain, IChatSessionGrain
{
    private const int TitleLength = 60;

    private string Id
    {
        get
        {
            var key = this.GetPrimaryKeyString();
            return key[(key.LastIndexOf('/') + 1)..];
        }
    }

    async Task<IReadOnlyList<ChatTurn>> IChatSessionGrain.GetTurnsAsync() =>
        await ExistsAsync() ? state.State.Turns.ToArray() : [];

    async Task<ChatSession?> IChatSessionGrain.GetAsync() =>
        await ExistsAsync()
            ? new ChatSession
            {
                Id = Id,
                Title = state.State.Title,
                Assistant = state.State.Assistant,
                Created = state.State.Created,
                Updated = state.State.Updated,
                Turns = state.State.Turns.ToArray(),
            }
            : null;

    async Task<ChatSessionSummary> IChatSessionGrain.AppendAsync(ChatTurn turn)
    {
        var now = time.GetUtcNow();
        if (!await ExistsAsync())
        {
            state.State = new ChatSessionState { Title = TitleOf(turn), Assistant = turn.Assistant, Created = now };
        }

        state.State.Turns.Add(turn with { At = now });
        state.State.Updated = now;
        var excess = state.State.Turns.Count - options.Value.ChatHistoryMaxTurns;
        if (excess > 0)
        {
            state.State.Turns.RemoveRange(0, excess);
        }

        await state.WriteStateAsync();
        return new ChatSessionSummary
        {
            Id = Id,
            Title = state.State.Title,
            Assistant = state.State.Assistant,
            Created = state.State.Created,
            Updated = now,
            Turns = state.State.Turns.Count,
        };
    }

    async Task<bool> IChatSessionGrain.DeleteAsync()
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
        if (state.State.Turns.Count == 0)
        {
            return false;
        }

        if (time.GetUtcNow() - state.State.Updated <= options.Value.Lifetime)
        {
            return true;
        }

        await ClearAsync();
        return false;
    }

    private async Task ClearAsync()
    {
        await state.ClearStateAsync();
        state.State = new ChatSessionState();
    }

    // VergeOS names a session after its first prompt: its first user message on one line, truncated.
    private string TitleOf(ChatTurn turn)
    {
        var first = turn.Messages.FirstOrDefault()?.Content ?? "";
        var line = Whitespace().Replace(first, " ").Trim();
        return line.Length == 0 ? Id : line.Length <= TitleLength ? line : line[..(TitleLength - 1)].TrimEnd() + "…";
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
