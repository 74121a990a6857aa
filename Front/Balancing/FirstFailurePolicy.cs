using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Verge.Orleans.Front.Balancing;

/// <summary>
/// Passive health: one request that could not reach a gateway (refused, reset, timed out) takes it out for
/// the reactivation period. A rate over a window needs many requests to notice a dead gateway, and each
/// of those is a retry; generations are few and long, so the first failure is evidence enough.
/// </summary>
internal sealed partial class FirstFailurePolicy(IDestinationHealthUpdater health, ILogger<FirstFailurePolicy> logger) : IPassiveHealthCheckPolicy
{
    public const string PolicyName = "FirstFailure";

    public string Name => PolicyName;

    public void RequestProxied(HttpContext context, ClusterState cluster, DestinationState destination)
    {
        if (context.Features.Get<IForwarderErrorFeature>() is { } error && ReplayOnAnotherHelper.FailedBeforeAnswer(context, error.Error))
        {
            var period = cluster.Model.Config.HealthCheck?.Passive?.ReactivationPeriod ?? TimeSpan.FromSeconds(10);
            health.SetPassive(cluster, destination, DestinationHealth.Unhealthy, period);
            LogTakenOut(destination.Model.Config.Address, error.Error, period);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Gateway {Address} taken out for {Period} after a failed request ({Error})")]
    private partial void LogTakenOut(string address, ForwarderError error, TimeSpan period);
}
