using Verge.Orleans.Front.Balancing;
using Verge.Orleans.Front.Hosting;
using Verge.Orleans.Grains.Abstractions.Grains;

namespace Verge.Orleans.Tests.Front;

public sealed class HelperClusterTests
{
    [Fact]
    public void GatewaysThatCanBeDialledBecomeDestinations()
    {
        var destinations = HelperCluster.Destinations(
        [
            Gateway("a", "http://127.0.0.1:8081"),
            Gateway("b", "http://gateway-2:8080;https://gateway-2:8443"),
            Gateway("c", "http://0.0.0.0:8080"),
            Gateway("d", "http://+:8080"),
            Gateway("e", ""),
        ]);

        Assert.Equal(new Dictionary<string, string> { ["a"] = "http://127.0.0.1:8081/", ["b"] = "http://gateway-2:8080/" }, destinations);
    }

    [Fact]
    public void ClusterProbesReadinessAndTakesFailedGatewaysOut()
    {
        var options = new FrontOptions { HealthCheckInterval = TimeSpan.FromSeconds(3), ReactivationPeriod = TimeSpan.FromSeconds(7) };

        var cluster = HelperCluster.Cluster(new Dictionary<string, string> { ["a"] = "http://127.0.0.1:8081/" }, options);

        Assert.Equal("/health/ready", cluster.HealthCheck!.Active!.Path);
        Assert.Equal(TimeSpan.FromSeconds(3), cluster.HealthCheck.Active.Interval);
        Assert.Equal((FirstFailurePolicy.PolicyName, TimeSpan.FromSeconds(7)), (cluster.HealthCheck.Passive!.Policy, cluster.HealthCheck.Passive.ReactivationPeriod));
        Assert.Equal("http://127.0.0.1:8081/", cluster.Destinations!["a"].Address);
    }

    private static GatewayInfo Gateway(string id, string urls) => new() { Id = id, Host = "h", Urls = urls };
}
