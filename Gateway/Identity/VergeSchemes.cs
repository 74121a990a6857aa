namespace Verge.Orleans.Gateway.Identity;

/// <summary>The authentication schemes: API keys for the APIs, a cookie for the console, and the default that picks one of them.</summary>
public static class VergeSchemes
{
    public const string ApiKey = "ApiKey";

    public const string Console = "Console";

    /// <summary>The default scheme: the API key when the request carries one, else the console's cookie.</summary>
    public const string KeyOrCookie = "ApiKeyOrConsole";
}
