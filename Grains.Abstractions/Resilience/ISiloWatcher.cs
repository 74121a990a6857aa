namespace Verge.Orleans.Grains.Abstractions.Resilience;

/// <summary>A gateway's ear for silo deaths (see <see cref="ISiloWatchGrain"/>).</summary>
[Alias("verge.ISiloWatcher")]
public interface ISiloWatcher : IGrainObserver
{
    /// <summary>Membership declared <paramref name="silos"/> dead (addresses as <c>SiloAddress.ToString()</c> writes them).</summary>
    [Alias("SilosDied")]
    void SilosDied(IReadOnlyList<string> silos);
}
