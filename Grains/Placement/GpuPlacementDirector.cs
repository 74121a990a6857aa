using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;
using Verge.Orleans.Grains.Abstractions.Grains;

namespace Verge.Orleans.Grains.Placement;

/// <summary>
/// Keeps the silos a worker may run on: <c>gpu=true</c> silos for a GPU model, GPU silos first and any
/// silo otherwise for a model with CPU fallback, every silo for a CPU-only model.
/// </summary>
public sealed class GpuPlacementDirector(ISiloMetadataCache metadata) : IPlacementFilterDirector
{
    public const string MetadataKey = "gpu";

    /// <summary>Request context entry: silos (comma-separated) that already hold a worker of the same model.</summary>
    public const string AvoidSilosKey = "verge.avoid-silos";

    public IEnumerable<SiloAddress> Filter(PlacementFilterStrategy filterStrategy, PlacementTarget target, IEnumerable<SiloAddress> silos) =>
        SpreadOut(Eligible(WorkerKey.Parse(target.GrainIdentity.Key.ToString()!).Placement, silos), target);

    /// <summary>The silos among <paramref name="silos"/> a worker of this placement may run on.</summary>
    public List<SiloAddress> Eligible(WorkerPlacement placement, IEnumerable<SiloAddress> silos)
    {
        var candidates = silos.ToList();
        if (placement != WorkerPlacement.Any)
        {
            var gpu = candidates.Where(HasGpu).ToList();
            candidates = placement == WorkerPlacement.GpuPreferred && gpu.Count == 0 ? candidates : gpu;
        }

        return candidates;
    }

    // High availability: replicas of one model go to different silos while there are enough of them.
    private static List<SiloAddress> SpreadOut(List<SiloAddress> candidates, PlacementTarget target)
    {
        if (target.RequestContextData?.GetValueOrDefault(AvoidSilosKey) is not string { Length: > 0 } occupied)
        {
            return candidates;
        }

        var avoid = occupied.Split(',').ToHashSet(StringComparer.Ordinal);
        var free = candidates.Where(silo => !avoid.Contains(silo.ToString())).ToList();
        return free.Count > 0 ? free : candidates;
    }

    private bool HasGpu(SiloAddress silo) =>
        metadata.GetSiloMetadata(silo).Metadata.TryGetValue(MetadataKey, out var value)
        && bool.TryParse(value, out var gpu) && gpu;
}
