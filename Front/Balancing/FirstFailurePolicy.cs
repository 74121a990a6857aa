using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Verge.Orleans.Front.Balancing;

/// <summary>
/// Passive health: one request that could not reach a gateway (refused, reset, timed out) takes it out for
/// the reactivation period. A rate over a window needs many requests to notice a dead gateway, and each
/// of those is a retry; generations are few and long, so the first failure is evidence enough.
/// </summary>
internal sealed class FirstFailurePolicy(IDestinationHealthUpdater health) : IPassiveHealthCheckPolicy
{
    public const string PolicyName = "FirstFailure";

    public string Name => PolicyName;

    public void RequestProxied(HttpContext context, ClusterState cluster, DestinationState destination)
    {
        if (context.Features.Get<IForwarderErrorFeature>() is { } error && ReplayOnAnotherHelper.FailedBeforeAnswer(error.Error))
        {
            var period = cluster.Model.Config.HealthCheck?.Passive?.ReactivationPeriod ?? TimeSpan.FromSeconds(10);
            health.SetPassive(cluster, destination, DestinationHealth.Unhealthy, period);
        }
    }
}
