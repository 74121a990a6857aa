namespace Verge.Orleans.Grains.Abstractions.Grains;

/// <summary>Which silos a model worker may be activated on.</summary>
public enum WorkerPlacement
{
    /// <summary>Only silos with <c>gpu=true</c> metadata.</summary>
    Gpu,

    /// <summary>GPU silos while any is alive, else any silo (Allow CPU fallback).</summary>
    GpuPreferred,

    /// <summary>Any silo (a CPU-only model).</summary>
    Any,
}
