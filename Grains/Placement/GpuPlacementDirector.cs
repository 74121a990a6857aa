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

    public IEnumerable<SiloAddress> Filter(PlacementFilterStrategy filterStrategy, PlacementTarget target, IEnumerable<SiloAddress> silos)
    {
        var placement = WorkerKey.Parse(target.GrainIdentity.Key.ToString()!).Placement;
        if (placement == WorkerPlacement.Any)
        {
            return silos;
        }

        var candidates = silos.ToList();
        var gpu = candidates.Where(HasGpu).ToList();
        return placement == WorkerPlacement.GpuPreferred && gpu.Count == 0 ? candidates : gpu;
    }

    private bool HasGpu(SiloAddress silo) =>
        metadata.GetSiloMetadata(silo).Metadata.TryGetValue(MetadataKey, out var value)
        && bool.TryParse(value, out var gpu) && gpu;
}
