namespace Verge.Orleans.Grains.Abstractions.Resilience;

/// <summary>
/// One per silo, keyed by the silo's address and activated on that silo: tells the gateways that watch it
/// which silos the cluster's membership declared dead, the moment this silo learns of it. A gateway
/// watches every silo, so a hung one does not leave it blind.
/// </summary>
[Alias("verge.ISiloWatchGrain")]
public interface ISiloWatchGrain : IGrainWithStringKey
{
    /// <summary>
    /// Subscribes <paramref name="watcher"/> (or renews its subscription, which lapses after
    /// <see cref="SubscriptionLifetime"/>) and returns the silos declared dead so far.
    /// </summary>
    [Alias("WatchAsync")]
    Task<IReadOnlyList<string>> WatchAsync(ISiloWatcher watcher);

    /// <summary>How long a subscription lasts without being renewed.</summary>
    public static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromSeconds(30);
}
