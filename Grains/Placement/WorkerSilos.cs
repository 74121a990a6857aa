using Orleans.Runtime.MembershipService.SiloMetadata;
using Verge.Orleans.Grains.Abstractions.Grains;

namespace Verge.Orleans.Grains.Placement;

/// <summary>The active silos a model's workers may run on now, as <see cref="GpuPlacementDirector"/> decides it.</summary>
public sealed class WorkerSilos(IClusterMembershipService membership, ISiloMetadataCache metadata)
{
    public IReadOnlyList<string> Eligible(WorkerPlacement placement) =>
        [.. new GpuPlacementDirector(metadata)
            .Eligible(placement, membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress))
            .Select(silo => silo.ToString())];
}
