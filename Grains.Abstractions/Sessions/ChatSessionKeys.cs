namespace Verge.Orleans.Grains.Abstractions.Sessions;

/// <summary>Session id rules and the grain keys derived from them. Sessions live in their user's namespace.</summary>
public static class ChatSessionKeys
{
    public const int MaxLength = 64;

    public const string Rule = "A session id is 1 to 64 characters: letters, digits, '-', '_', '.' or ':'.";

    public static bool IsValid(string? id) =>
        id is { Length: > 0 and <= MaxLength } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');

    /// <summary>Key of a session grain; a session id never holds '/', so the last one separates it.</summary>
    public static string Session(string user, string id) => $"{user}/{id}";

    /// <summary>Key of a user's session list (prefixed: a user name may be all hex digits).</summary>
    public static string UserSessions(string user) => $"sessions-of/{user}";
}
