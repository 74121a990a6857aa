using Verge.Orleans.Grains.Abstractions.Sessions;

namespace Verge.Orleans.Grains.Abstractions.Grains;

/// <summary>The chat sessions of one user, keyed by <see cref="ChatSessionKeys.UserSessions"/>: the list, and every write.</summary>
[Alias("verge.IUserSessionsGrain")]
public interface IUserSessionsGrain : IGrainWithStringKey
{
    /// <summary>The user's live sessions, most recently used first; expired ones are deleted on the way.</summary>
    [Alias("ListAsync")]
    Task<IReadOnlyList<ChatSessionSummary>> ListAsync();

    /// <summary>Stores a completed turn in one of the user's sessions, creating it when needed.</summary>
    [Alias("AppendAsync")]
    Task<ChatSessionSummary> AppendAsync(string sessionId, ChatTurn turn);

    /// <summary>Deletes one session; false when the user has no such session.</summary>
    [Alias("DeleteAsync")]
    Task<bool> DeleteAsync(string sessionId);

    /// <summary>Deletes every session of the user (the user is being deleted).</summary>
    [Alias("DeleteAllAsync")]
    Task DeleteAllAsync();
}
