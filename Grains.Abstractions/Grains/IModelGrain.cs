using Orleans.Concurrency;
using Verge.Orleans.Grains.Abstractions.Catalog;

namespace Verge.Orleans.Grains.Abstractions.Grains;

/// <summary>
/// A registered model: its life (download, load, online, stop), its workers between Min and Max
/// Workers, and the routing of requests to them. Keyed by model name.
/// </summary>
[Alias("verge.IModelGrain")]
public interface IModelGrain : IGrainWithStringKey
{
    /// <summary>The model's configuration with its file's effective path, or null when no such model exists.</summary>
    [Alias("GetSpecAsync")]
    [AlwaysInterleave] // workers ask for it while this grain waits for them to start
    Task<ModelSpec?> GetSpecAsync();

    [Alias("GetStatusAsync")]
    [AlwaysInterleave]
    Task<ModelStatus> GetStatusAsync();

    /// <summary>Brings the model online (downloading its file first when needed); remembered across restarts.</summary>
    [Alias("StartAsync")]
    Task<ModelStatus> StartAsync();

    /// <summary>Stops every worker and keeps the model offline until started again.</summary>
    [Alias("StopAsync")]
    Task<ModelStatus> StopAsync();

    /// <summary>Stops the workers and starts again with the current configuration.</summary>
    [Alias("RestartAsync")]
    Task<ModelStatus> RestartAsync();

    /// <summary>Picks the worker for the next request, scaling out when every worker is saturated.</summary>
    [Alias("PickWorkerAsync")]
    Task<string> PickWorkerAsync();

    /// <summary>Status of every running worker of this model.</summary>
    [Alias("GetWorkersAsync")]
    Task<IReadOnlyList<WorkerStatus>> GetWorkersAsync();

    /// <summary>The configuration changed or the model was deleted: stop the workers and start again with what is configured now.</summary>
    [Alias("ReconfigureAsync")]
    Task ReconfigureAsync();
}
