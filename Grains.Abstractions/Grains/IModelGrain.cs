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
    [ResponseTimeout("00:10:00")] // waits for a worker that is loading a large model
    Task<ModelStatus> StopAsync();

    /// <summary>Stops the workers and starts again with the current configuration.</summary>
    [Alias("RestartAsync")]
    [ResponseTimeout("00:10:00")]
    Task<ModelStatus> RestartAsync();

    /// <summary>
    /// Picks the worker for the next request from what the workers reported: the one holding the longest
    /// run of <paramref name="prefix"/> (the prompt's chained block hashes; empty for no preference)
    /// unless it is saturated, else the least loaded; scales out when every worker is saturated. Workers in
    /// <paramref name="avoid"/> (just lost while serving the request) are taken only when no other is left.
    /// </summary>
    [Alias("PickWorkerAsync")]
    [AlwaysInterleave] // a request waiting for a load must not hold up the others
    Task<string> PickWorkerAsync(IReadOnlyList<ulong> prefix, IReadOnlyList<string>? avoid = null);

    /// <summary>A worker's load and prefix digest changed (pushed by the worker, never asked for).</summary>
    [Alias("ReportAsync")]
    [OneWay]
    [AlwaysInterleave] // only updates the router's view: never waits behind a start or a stop
    Task ReportAsync(WorkerReport report);

    /// <summary>Status of every running worker of this model.</summary>
    [Alias("GetWorkersAsync")]
    [AlwaysInterleave]
    Task<IReadOnlyList<WorkerStatus>> GetWorkersAsync();

    /// <summary>The configuration changed or the model was deleted: stop the workers and start again with what is configured now.</summary>
    [Alias("ReconfigureAsync")]
    [ResponseTimeout("00:10:00")]
    Task ReconfigureAsync();

    /// <summary>
    /// Asked by a worker activation before it loads the model: the model's configuration when that worker
    /// is one of the model's current workers, null when it is not wanted (stopped, retired, over Max).
    /// </summary>
    [Alias("AdmitWorkerAsync")]
    [AlwaysInterleave]
    Task<ModelSpec?> AdmitWorkerAsync(string worker);
}
