namespace Verge.Orleans.Gateway.Identity;

/// <summary>The authorization policies on the route groups and console pages.</summary>
public static class VergePolicies
{
    /// <summary>Any valid API key.</summary>
    public const string User = "user";

    /// <summary>An API key of an administrator.</summary>
    public const string Admin = "admin";

    /// <summary>An API key of an administrator, or of the user named by the route's or query's <c>user</c>.</summary>
    public const string SelfOrAdmin = "self-or-admin";

    /// <summary>An administrator, by API key or console sign-in: the Orleans Dashboard.</summary>
    public const string Dashboard = "dashboard";

    /// <summary>A console sign-in.</summary>
    public const string ConsoleUser = "console-user";

    /// <summary>A console sign-in of an administrator.</summary>
    public const string ConsoleAdmin = "console-admin";
}
