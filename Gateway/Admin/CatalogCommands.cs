using Verge.Orleans.Grains.Abstractions.Catalog;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Gateway.Upstreams;

namespace Verge.Orleans.Gateway.Admin;

/// <summary>The catalog's operations that take more than one grain call, for the admin API and the console alike.</summary>
internal sealed class CatalogCommands(IGrainFactory grains, UpstreamKeyProtector keys, UpstreamAssistants upstreams)
{
    private ICatalogGrain Catalog => grains.GetGrain<ICatalogGrain>(0);

    /// <summary>Registers a model (and its same-named assistant) and starts it: download, load, online.</summary>
    public async Task<ModelSpec> CreateModelAsync(ModelSpec model)
    {
        var created = await Catalog.CreateModelAsync(model);
        await grains.GetGrain<IModelGrain>(created.Name).StartAsync();
        return created;
    }

    /// <summary>Changes a model: its workers stop and start again with the new configuration (unless it is stopped).</summary>
    public async Task<ModelSpec> UpdateModelAsync(ModelSpec model)
    {
        var updated = await Catalog.UpdateModelAsync(model);
        await grains.GetGrain<IModelGrain>(model.Name).ReconfigureAsync();
        return updated;
    }

    public async Task DeleteModelAsync(string model)
    {
        await Catalog.DeleteModelAsync(model);
        await grains.GetGrain<IModelGrain>(model).ReconfigureAsync();
    }

    /// <summary>Runs <paramref name="action"/> (status, start, stop, restart) on a model that exists.</summary>
    public async Task<ModelStatus> ModelActionAsync(string model, Func<IModelGrain, Task<ModelStatus>> action)
    {
        _ = await Catalog.GetModelAsync(model) ?? throw ServingException.NotFound($"Model '{model}'");
        return await action(grains.GetGrain<IModelGrain>(model));
    }

    /// <summary>Creates an assistant; an upstream key sent in clear is stored sealed.</summary>
    public async Task<AssistantSpec> CreateAssistantAsync(AssistantSpec assistant) =>
        Edited(await Catalog.CreateAssistantAsync(UpstreamKeys.Seal(assistant, null, keys)));

    /// <summary>Replaces an assistant; an upstream without a key in clear keeps the one stored.</summary>
    public async Task<AssistantSpec> UpdateAssistantAsync(AssistantSpec assistant) =>
        Edited(await Catalog.UpdateAssistantAsync(UpstreamKeys.Seal(assistant, await Catalog.GetAssistantAsync(assistant.Name), keys)));

    public async Task DeleteAssistantAsync(string assistant)
    {
        await Catalog.DeleteAssistantAsync(assistant);
        upstreams.Invalidate();
    }

    // This gateway forwards by the new settings from its next request on (the others within their snapshot's age).
    private AssistantSpec Edited(AssistantSpec saved)
    {
        upstreams.Invalidate();
        return saved;
    }

    /// <summary>"View Workers": every model worker with its silo, slots, queue and engine counters.</summary>
    public async Task<IReadOnlyList<WorkerStatus>> ListWorkersAsync()
    {
        var models = await Catalog.ListModelsAsync();
        var workers = await Task.WhenAll(models.Select(m => grains.GetGrain<IModelGrain>(m.Name).GetWorkersAsync()));
        return [.. workers.SelectMany(w => w)];
    }
}
