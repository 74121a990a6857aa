using System.Collections.Concurrent;
using Orleans.Runtime.Placement;
using Verge.Orleans.Grains.Abstractions.Resilience;

namespace Verge.Orleans.Gateway.Serving;

/// <summary>
/// This gateway's knowledge of silo deaths: it watches every silo (<see cref="ISiloWatchGrain"/>, placed on
/// the silo it watches), so a death membership declares reaches it within milliseconds, from any silo
/// still answering. A stream whose worker ran on a dead silo moves at once instead of waiting out
/// its stall timeout.
/// </summary>
internal sealed class SiloWatch(IClusterClient cluster, ILogger<SiloWatch> logger) : BackgroundService, ISiloWatcher
{
    /// <summary>How often the subscriptions are renewed and silos that joined are watched too.</summary>
    private static readonly TimeSpan RenewPeriod = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, CancellationTokenSource> _deaths = new(StringComparer.Ordinal);

    /// <summary>A token cancelled once <paramref name="silo"/> (as <c>SiloAddress.ToString()</c> writes it) is known dead.</summary>
    public CancellationToken DeathOf(string silo) => _deaths.GetOrAdd(silo, _ => new CancellationTokenSource()).Token;

    /// <summary>
    /// Longest wait for membership to declare a silo that stopped answering dead: it takes 1 to 2 s with the
    /// cluster's failure detection (README, "Failure detection"); a silo not declared dead by then is alive.
    /// </summary>
    public static readonly TimeSpan DeclarationBound = TimeSpan.FromSeconds(5);

    /// <summary>Completes once <paramref name="silo"/> is known dead, or after <paramref name="bound"/>.</summary>
    public async Task WhenDeadAsync(string silo, TimeSpan bound, CancellationToken cancellationToken)
    {
        var death = DeathOf(silo);
        if (silo.Length == 0 || death.IsCancellationRequested)
        {
            return;
        }

        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(death, cancellationToken);
        await Task.Delay(bound, waiting.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        cancellationToken.ThrowIfCancellationRequested();
    }

    void ISiloWatcher.SilosDied(IReadOnlyList<string> silos)
    {
        foreach (var silo in silos)
        {
            Died(silo);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var watcher = cluster.CreateObjectReference<ISiloWatcher>(this);
        using var renewal = new PeriodicTimer(RenewPeriod);
        do
        {
            await WatchAllAsync(watcher);
        }
        while (await renewal.WaitForNextTickAsync(stoppingToken));
    }

    private async Task WatchAllAsync(ISiloWatcher watcher)
    {
        try
        {
            var silos = await cluster.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(RenewPeriod);
            await Task.WhenAll(silos.Keys.Select(silo => WatchAsync(watcher, silo)));
        }
        catch (Exception error)
        {
            logger.LogDebug("Listing the silos to watch failed: {Error}", error.Message);
        }
    }

    private async Task WatchAsync(ISiloWatcher watcher, SiloAddress silo)
    {
        RequestContext.Set(IPlacementDirector.PlacementHintKey, silo); // the watch of a silo runs on that silo
        try
        {
            foreach (var dead in await cluster.GetGrain<ISiloWatchGrain>(silo.ToString()).WatchAsync(watcher).WaitAsync(RenewPeriod))
            {
                Died(dead);
            }
        }
        catch (Exception error)
        {
            logger.LogDebug("Watching silo {Silo} failed: {Error}", silo, error.Message);
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }

    private void Died(string silo)
    {
        var death = _deaths.GetOrAdd(silo, _ => new CancellationTokenSource());
        if (!death.IsCancellationRequested)
        {
            logger.LogDebug("Silo {Silo} is dead", silo);
            death.Cancel();
        }
    }
}
