using Verge.Orleans.Grains.Abstractions.Grains;

namespace Verge.Orleans.Gateway.Operations;

/// <summary>Reports this gateway to the cluster every few seconds, with its request counters, for "View Workers".</summary>
internal sealed class GatewayHeartbeat(IGrainFactory grains, IConfiguration configuration, TimeProvider time, ILogger<GatewayHeartbeat> logger)
    : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(10);

    private readonly string _id = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..6]}";
    private readonly DateTimeOffset _started = time.GetUtcNow();
    private int _active;
    private long _served;

    /// <summary>Counts a chat completion for as long as the returned scope lives.</summary>
    public IDisposable Track()
    {
        Interlocked.Increment(ref _active);
        return new Scope(this);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var mode = configuration.GetValue("Verge:Gateway:HostSilo", defaultValue: false) ? "single-process" : "client";
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await grains.GetGrain<IGatewayDirectoryGrain>(0).HeartbeatAsync(new GatewayInfo
                {
                    Id = _id,
                    Host = Environment.MachineName,
                    Urls = configuration["Verge:Gateway:PublicUrl"] ?? configuration["Urls"] ?? "",
                    Mode = mode,
                    Started = _started,
                    ActiveRequests = Volatile.Read(ref _active),
                    ServedRequests = Interlocked.Read(ref _served),
                });
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                logger.LogWarning("Heartbeat to the cluster failed: {Message}", error.Message);
            }

            await Task.Delay(Period, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private sealed class Scope(GatewayHeartbeat owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref owner._active);
                Interlocked.Increment(ref owner._served);
            }
        }
    }
}
