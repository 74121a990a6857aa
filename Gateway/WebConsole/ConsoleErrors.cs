using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Abstractions.Resilience;

namespace Verge.Orleans.Gateway.WebConsole;

/// <summary>What the console tells its user when an operation fails: the cluster's own refusal, else a short reason.</summary>
internal static class ConsoleErrors
{
    public static string Describe(Exception error) => error switch
    {
        ServingException serving => serving.Message,
        UnauthorizedAccessException denied => denied.Message,
        TimeoutException => "The cluster did not answer in time; retry.",
        _ when SiloLoss.Is(error) => "A node of the cluster went away; retry.",
        _ => "The operation failed: " + error.Message,
    };

    /// <summary>Field errors as one line each (<c>name: message</c>).</summary>
    public static string Describe(Dictionary<string, string[]> errors) =>
        string.Join(" ", errors.SelectMany(e => e.Value.Select(message => message)));
}
