using Verge.Orleans.Grains.Abstractions.Catalog;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Grains.Catalog;

/// <summary>A model and its workers: starts Min Workers and routes each request to the least loaded one.</summary>
internal sealed class ModelGrain(ConfiguredCatalog catalog) : Grain, IModelGrain
{
    private ModelSpec? Spec => catalog.Models.GetValueOrDefault(this.GetPrimaryKeyString());

    Task<ModelSpec?> IModelGrain.GetSpecAsync() => Task.FromResult(Spec);

    async Task<string> IModelGrain.PickWorkerAsync()
    {
        var workers = Workers();
        if (workers.Count == 1)
        {
            return workers[0].ToString();
        }

        var statuses = await Task.WhenAll(workers.Select(w => GrainFactory.GetGrain<IModelWorkerGrain>(w.ToString()).GetStatusAsync()));
        return statuses.MinBy(s => (double)(s.SlotsBusy + s.Queued) / s.SlotsTotal)!.Worker;
    }

    async Task<IReadOnlyList<WorkerStatus>> IModelGrain.GetWorkersAsync() =>
        await Task.WhenAll(Workers().Select(w => GrainFactory.GetGrain<IModelWorkerGrain>(w.ToString()).GetStatusAsync()));

    private List<WorkerKey> Workers()
    {
        var spec = Spec ?? throw ServingException.ModelNotFound(this.GetPrimaryKeyString());
        var placement = spec switch
        {
            { Gpu: false } => WorkerPlacement.Any,
            { AllowCpuFallback: true } => WorkerPlacement.GpuPreferred,
            _ => WorkerPlacement.Gpu,
        };
        return Enumerable.Range(0, Math.Max(1, spec.MinWorkers)).Select(r => new WorkerKey(spec.Name, r, placement)).ToList();
    }
}
