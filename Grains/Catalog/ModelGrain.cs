using Verge.Orleans.Grains.Abstractions.Catalog;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Grains.Catalog;

/// <summary>A model and its workers: routes each request to the least loaded of Min Workers workers.</summary>
internal sealed class ModelGrain : Grain, IModelGrain
{
    Task<ModelSpec?> IModelGrain.GetSpecAsync() => SpecAsync();

    async Task<string> IModelGrain.PickWorkerAsync()
    {
        var workers = Workers(await SpecAsync() ?? throw ServingException.ModelNotFound(this.GetPrimaryKeyString()));
        if (workers.Count == 1)
        {
            return workers[0].ToString();
        }

        var statuses = await Task.WhenAll(workers.Select(w => GrainFactory.GetGrain<IModelWorkerGrain>(w.ToString()).GetStatusAsync()));
        return statuses.MinBy(s => (double)(s.SlotsBusy + s.Queued) / Math.Max(1, s.SlotsTotal))!.Worker;
    }

    async Task<IReadOnlyList<WorkerStatus>> IModelGrain.GetWorkersAsync() =>
        await SpecAsync() is { } spec
            ? await Task.WhenAll(Workers(spec).Select(w => GrainFactory.GetGrain<IModelWorkerGrain>(w.ToString()).GetStatusAsync()))
            : [];

    Task IModelGrain.StopWorkersAsync(ModelSpec spec) =>
        Task.WhenAll(Workers(spec).Select(w => GrainFactory.GetGrain<IModelWorkerGrain>(w.ToString()).StopAsync()));

    private Task<ModelSpec?> SpecAsync() => GrainFactory.GetGrain<ICatalogGrain>(0).GetModelAsync(this.GetPrimaryKeyString());

    private static List<WorkerKey> Workers(ModelSpec spec)
    {
        var placement = spec switch
        {
            { Gpu: false } => WorkerPlacement.Any,
            { AllowCpuFallback: true } => WorkerPlacement.GpuPreferred,
            _ => WorkerPlacement.Gpu,
        };
        return Enumerable.Range(0, Math.Max(1, spec.MinWorkers)).Select(r => new WorkerKey(spec.Name, r, placement)).ToList();
    }
}
