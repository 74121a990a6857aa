using Verge.Orleans.Grains.Abstractions.Sessions;

namespace Verge.Orleans.Grains.Abstractions.Grains;

/// <summary>
/// One chat session of one user, keyed by <see cref="ChatSessionKeys.Session"/>. Reads come here directly;
/// writes go through the user's <see cref="IUserSessionsGrain"/>, which keeps the list in step.
/// An expired session reads as absent and is deleted from storage on that read.
/// </summary>
[Alias("verge.IChatSessionGrain")]
public interface IChatSessionGrain : IGrainWithStringKey
{
    /// <summary>The stored turns, oldest first; empty when the session does not exist or has expired.</summary>
    [Alias("GetTurnsAsync")]
    Task<IReadOnlyList<ChatTurn>> GetTurnsAsync();

    /// <summary>The session with its turns, or null when it does not exist or has expired.</summary>
    [Alias("GetAsync")]
    Task<ChatSession?> GetAsync();

    /// <summary>Stores a turn, creating the session (titled after its first prompt) when needed; returns the new summary.</summary>
    [Alias("AppendAsync")]
    Task<ChatSessionSummary> AppendAsync(ChatTurn turn);

    /// <summary>Deletes the session; false when there was none.</summary>
    [Alias("DeleteAsync")]
    Task<bool> DeleteAsync();
}
