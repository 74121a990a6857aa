namespace Verge.Orleans.Grains.Abstractions.Limits;

/// <summary>Keys shared by the gateway and the silos for limits and usage.</summary>
public static class LimitKeys
{
    /// <summary>The keyed <see cref="TimeProvider"/> that rate windows, budgets and usage days read (tests swap it).</summary>
    public const string Clock = "verge.limits";

    public static string UserLimiter(string user) => "user:" + user;

    public static string KeyLimiter(string keyId) => "key:" + keyId;

    /// <summary>The usage grain of a user's UTC day.</summary>
    public static string UsageDay(string user, DateOnly day) => $"{day:yyyy-MM-dd}:{user}";
}
