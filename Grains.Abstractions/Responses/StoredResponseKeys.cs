namespace Verge.Orleans.Grains.Abstractions.Responses;

/// <summary>Response ids and the grain keys derived from them. Responses live in their user's namespace.</summary>
public static class StoredResponseKeys
{
    public const string Prefix = "resp_";

    /// <summary>A new response id: <c>resp_</c> and 32 hex digits.</summary>
    public static string NewId() => Prefix + Guid.NewGuid().ToString("N");

    public static bool IsValid(string? id) =>
        id is { Length: 37 } && id.StartsWith(Prefix, StringComparison.Ordinal) && id[Prefix.Length..].All(char.IsAsciiHexDigitLower);

    /// <summary>Key of a stored response grain; an id never holds '/', so the last one separates it.</summary>
    public static string Response(string user, string id) => $"{user}/{id}";

    /// <summary>Key of a user's response index (prefixed: a user name may look like anything).</summary>
    public static string UserResponses(string user) => $"responses-of/{user}";
}
