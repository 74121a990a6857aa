using Microsoft.Extensions.Logging;
using Verge.Orleans.Grains.Abstractions.Resilience;

namespace Verge.Orleans.Grains.Resilience;

/// <summary>
/// Pushes every death membership declares to the gateways watching this silo, so a stream on a dead or
/// hung silo moves as soon as the cluster agrees it is gone. Lives only on the silo its key names.
/// </summary>
internal sealed class SiloWatchGrain(IClusterMembershipService membership, TimeProvider time, ILogger<SiloWatchGrain> logger)
    : Grain, ISiloWatchGrain
{
    private readonly Dictionary<ISiloWatcher, DateTimeOffset> _watchers = [];
    private readonly CancellationTokenSource _deactivating = new();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Placed by the caller's hint; without it (its silo is gone) it would watch from the wrong place.
        if (this.GetPrimaryKeyString() != this.RuntimeIdentity)
        {
            throw new InvalidOperationException($"The watch of silo {this.GetPrimaryKeyString()} cannot run on {this.RuntimeIdentity}.");
        }

        _ = WatchMembershipAsync(_deactivating.Token);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _deactivating.Cancel();
        return Task.CompletedTask;
    }

    Task<IReadOnlyList<string>> ISiloWatchGrain.WatchAsync(ISiloWatcher watcher)
    {
        _watchers[watcher] = time.GetUtcNow();
        return Task.FromResult<IReadOnlyList<string>>(Dead(membership.CurrentSnapshot.Members.Values));
    }

    private async Task WatchMembershipAsync(CancellationToken cancellationToken)
    {
        try
        {
            ClusterMembershipSnapshot? previous = null;
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancellationToken))
            {
                List<string> died = previous is null ? [] : Dead(snapshot.CreateUpdate(previous).Changes);
                previous = snapshot;
                if (died.Count > 0)
                {
                    logger.LogInformation("Telling {Watchers} gateways that {Silos} died", _watchers.Count, string.Join(", ", died));
                    Tell(died);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Deactivated.
        }
    }

    private void Tell(IReadOnlyList<string> died)
    {
        var now = time.GetUtcNow();
        foreach (var (watcher, renewed) in _watchers.ToList())
        {
            if (now - renewed > ISiloWatchGrain.SubscriptionLifetime)
            {
                _watchers.Remove(watcher);
                continue;
            }

            try
            {
                watcher.SilosDied(died);
            }
            catch (Exception error)
            {
                logger.LogDebug("Telling a gateway of dead silos failed: {Error}", error.Message);
            }
        }
    }

    private static List<string> Dead(IEnumerable<ClusterMember> members) =>
        [.. members.Where(m => m.Status == SiloStatus.Dead).Select(m => m.SiloAddress.ToString())];
}
