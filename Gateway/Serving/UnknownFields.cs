using System.Collections.Concurrent;

namespace Verge.Orleans.Gateway.Serving;

/// <summary>Request fields the gateway accepts without acting on them: each is logged once per route and process.</summary>
internal static class UnknownFields
{
    private static readonly ConcurrentDictionary<(string Route, string Field), bool> Logged = new();

    public static void Log(ILogger logger, string route, IEnumerable<string> fields)
    {
        foreach (var field in fields.Where(field => Logged.TryAdd((route, field), true)))
        {
            logger.LogInformation("Ignoring unknown {Route} request field {Field} (logged once)", route, field);
        }
    }
}
