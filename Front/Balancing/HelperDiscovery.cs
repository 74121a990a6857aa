using Microsoft.Extensions.Options;
using Verge.Orleans.Front.Hosting;
using Verge.Orleans.Grains.Abstractions.Grains;
using Yarp.ReverseProxy.Configuration;

namespace Verge.Orleans.Front.Balancing;

/// <summary>Reads the cluster's gateway directory every few seconds and gives YARP the gateways that are there now.</summary>
internal sealed partial class HelperDiscovery(
    IGrainFactory grains, InMemoryConfigProvider proxy, IOptions<FrontOptions> options, TimeProvider time, ILogger<HelperDiscovery> logger)
    : BackgroundService
{
    private SortedDictionary<string, string> _current = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var destinations = HelperCluster.Destinations(await grains.GetGrain<IGatewayDirectoryGrain>(0).ListAsync());
                if (!destinations.SequenceEqual(_current))
                {
                    proxy.Update(HelperCluster.Routes, [HelperCluster.Cluster(destinations, options.Value)]);
                    _current = destinations;
                    LogGateways(destinations.Count, string.Join(", ", destinations.Values));
                }
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // Keep the last known gateways: health checks still take dead ones out.
                LogDirectoryFailed(error.Message);
            }

            await Task.Delay(options.Value.DiscoveryPeriod, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    [LoggerMessage(LogLevel.Information, "Front balances over {Count} gateways: {Gateways}")]
    private partial void LogGateways(int count, string gateways);

    [LoggerMessage(LogLevel.Warning, "Reading the gateway directory failed: {Message}")]
    private partial void LogDirectoryFailed(string message);
}
