using Verge.Orleans.Grains.Abstractions.Catalog;

namespace Verge.Orleans.Grains.Abstractions.Grains;

/// <summary>A registered model: its configuration and the set of workers that serve it. Keyed by model name.</summary>
[Alias("verge.IModelGrain")]
public interface IModelGrain : IGrainWithStringKey
{
    /// <summary>The model's configuration, or null when no such model exists.</summary>
    [Alias("GetSpecAsync")]
    Task<ModelSpec?> GetSpecAsync();

    /// <summary>Picks the worker for the next request: the least loaded of the running ones.</summary>
    [Alias("PickWorkerAsync")]
    Task<string> PickWorkerAsync();

    /// <summary>Status of every worker of this model.</summary>
    [Alias("GetWorkersAsync")]
    Task<IReadOnlyList<WorkerStatus>> GetWorkersAsync();

    /// <summary>Stops the workers a former configuration of the model started.</summary>
    [Alias("StopWorkersAsync")]
    Task StopWorkersAsync(ModelSpec spec);
}
