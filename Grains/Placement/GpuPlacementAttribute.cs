using Orleans.Placement;

namespace Verge.Orleans.Grains.Placement;

/// <summary>Marks a grain whose key is a <see cref="Abstractions.Grains.WorkerKey"/> for <see cref="GpuPlacementDirector"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class GpuPlacementAttribute() : PlacementFilterAttribute(new GpuPlacementStrategy());
