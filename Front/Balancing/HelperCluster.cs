using Verge.Orleans.Front.Hosting;
using Verge.Orleans.Grains.Abstractions.Grains;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.SessionAffinity;

namespace Verge.Orleans.Front.Balancing;

/// <summary>The front's YARP configuration as a pure function of the gateways the cluster reports.</summary>
public static class HelperCluster
{
    public const string ClusterId = "helpers";

    /// <summary>The cookie a browser keeps to stay on one gateway (dashboard sign-in, the console's circuit).</summary>
    public const string AffinityCookie = ".Verge.Helper";

    public static readonly RouteConfig[] Routes =
    [
        new RouteConfig { RouteId = "everything", ClusterId = ClusterId, Match = new RouteMatch { Path = "{**path}" } },
    ];

    /// <summary>
    /// Gateway id → base address, for gateways that say where they can be reached (a wildcard listen
    /// address such as <c>http://0.0.0.0:8080</c> cannot be dialled: such a gateway needs <c>Verge:Gateway:PublicUrl</c>).
    /// </summary>
    public static SortedDictionary<string, string> Destinations(IEnumerable<GatewayInfo> gateways)
    {
        var destinations = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var gateway in gateways)
        {
            var url = gateway.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
            if (url is not null && Uri.TryCreate(url.Replace("://+", "://wildcard", StringComparison.Ordinal).Replace("://*", "://wildcard", StringComparison.Ordinal), UriKind.Absolute, out var address)
                && address.Host is not ("wildcard" or "0.0.0.0" or "[::]"))
            {
                destinations[gateway.Id] = address.GetLeftPart(UriPartial.Authority) + "/";
            }
        }

        return destinations;
    }

    public static ClusterConfig Cluster(IReadOnlyDictionary<string, string> destinations, FrontOptions options) => new()
    {
        ClusterId = ClusterId,
        // Generations hold a gateway for seconds to minutes: count what each one is busy with, not turns.
        LoadBalancingPolicy = LoadBalancingPolicies.LeastRequests,
        SessionAffinity = new SessionAffinityConfig
        {
            Enabled = true,
            Policy = SessionAffinityConstants.Policies.HashCookie,
            FailurePolicy = SessionAffinityConstants.FailurePolicies.Redistribute,
            AffinityKeyName = AffinityCookie,
        },
        HealthCheck = new HealthCheckConfig
        {
            Active = new ActiveHealthCheckConfig
            {
                Enabled = true,
                Interval = options.HealthCheckInterval,
                Timeout = options.HealthCheckInterval,
                Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures,
                Path = "/health/ready",
            },
            Passive = new PassiveHealthCheckConfig
            {
                Enabled = true,
                Policy = FirstFailurePolicy.PolicyName,
                ReactivationPeriod = options.ReactivationPeriod,
            },
        },
        HttpRequest = new ForwarderRequestConfig { ActivityTimeout = options.ActivityTimeout },
        Destinations = destinations.ToDictionary(d => d.Key, d => new DestinationConfig { Address = d.Value }, StringComparer.Ordinal),
    };
}
