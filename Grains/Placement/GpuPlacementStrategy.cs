using Orleans.Placement;

namespace Verge.Orleans.Grains.Placement;

/// <summary>Places model workers by their key's placement part and the silos' <c>gpu</c> metadata.</summary>
public sealed class GpuPlacementStrategy() : PlacementFilterStrategy(order: 0);
