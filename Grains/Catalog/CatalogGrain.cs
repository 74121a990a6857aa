using Verge.Orleans.Grains.Abstractions.Catalog;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Grains.Catalog;

internal sealed class CatalogGrain(
    [PersistentState("catalog", StorageNames.Verge)] IPersistentState<CatalogState> state,
    ConfiguredCatalog configured,
    TimeProvider time) : Grain, ICatalogGrain
{
    private Dictionary<string, ModelSpec> Models => state.State.Models;

    private Dictionary<string, AssistantSpec> Assistants => state.State.Assistants;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!state.State.Seeded)
        {
            state.State = new CatalogState
            {
                Seeded = true,
                Models = new(configured.Models, StringComparer.Ordinal),
                Assistants = new(configured.Assistants, StringComparer.Ordinal),
            };
            await state.WriteStateAsync(cancellationToken);
        }
    }

    Task<IReadOnlyList<AssistantSpec>> ICatalogGrain.ListAssistantsAsync() =>
        Task.FromResult<IReadOnlyList<AssistantSpec>>(Assistants.Values.OrderBy(a => a.Name, StringComparer.Ordinal).ToArray());

    Task<IReadOnlyList<ModelSpec>> ICatalogGrain.ListModelsAsync() =>
        Task.FromResult<IReadOnlyList<ModelSpec>>(Models.Values.OrderBy(m => m.Name, StringComparer.Ordinal).ToArray());

    Task<AssistantSpec?> ICatalogGrain.GetAssistantAsync(string name) => Task.FromResult(Assistants.GetValueOrDefault(name));

    Task<ModelSpec?> ICatalogGrain.GetModelAsync(string name) => Task.FromResult(Models.GetValueOrDefault(name));

    async Task<ModelSpec> ICatalogGrain.CreateModelAsync(ModelSpec model)
    {
        if (!Models.TryAdd(model.Name, model))
        {
            throw ServingException.Conflict($"Model '{model.Name}'");
        }

        var added = Assistants.TryAdd(model.Name, new AssistantSpec { Name = model.Name, Model = model.Name, Description = model.Description, Created = time.GetUtcNow() });
        await state.WriteStateAsync();
        if (added)
        {
            await TellAsync(model.Name);
        }

        return model;
    }

    async Task<ModelSpec> ICatalogGrain.UpdateModelAsync(ModelSpec model)
    {
        if (!Models.ContainsKey(model.Name))
        {
            throw ServingException.NotFound($"Model '{model.Name}'");
        }

        Models[model.Name] = model;
        await state.WriteStateAsync();
        return model;
    }

    async Task ICatalogGrain.DeleteModelAsync(string name)
    {
        if (!Models.ContainsKey(name))
        {
            throw ServingException.NotFound($"Model '{name}'");
        }

        var users = Assistants.Values.Where(a => a.Model == name && a.Name != name).Select(a => a.Name).ToArray();
        if (users.Length > 0)
        {
            throw new ServingException(409, "conflict", $"Model '{name}' is used by the assistants {string.Join(", ", users)}.");
        }

        Models.Remove(name);
        Assistants.Remove(name);
        await state.WriteStateAsync();
        await TellAsync(name);
    }

    async Task<AssistantSpec> ICatalogGrain.CreateAssistantAsync(AssistantSpec assistant)
    {
        RequireModel(assistant);
        assistant = assistant with { Created = time.GetUtcNow() };
        if (!Assistants.TryAdd(assistant.Name, assistant))
        {
            throw ServingException.Conflict($"Assistant '{assistant.Name}'");
        }

        await state.WriteStateAsync();
        await TellAsync(assistant.Name);
        return assistant;
    }

    async Task<AssistantSpec> ICatalogGrain.UpdateAssistantAsync(AssistantSpec assistant)
    {
        var old = Assistants.GetValueOrDefault(assistant.Name) ?? throw ServingException.NotFound($"Assistant '{assistant.Name}'");
        RequireModel(assistant);
        Assistants[assistant.Name] = assistant with { Created = old.Created };
        await state.WriteStateAsync();
        await TellAsync(assistant.Name);
        return Assistants[assistant.Name];
    }

    async Task ICatalogGrain.DeleteAssistantAsync(string name)
    {
        if (!Assistants.Remove(name))
        {
            throw ServingException.NotFound($"Assistant '{name}'");
        }

        await state.WriteStateAsync();
        await TellAsync(name);
    }

    // Assistant grains hold their configuration: an edit reaches them before the caller hears it is done.
    private Task TellAsync(string assistant) => GrainFactory.GetGrain<IAssistantGrain>(assistant).ConfigureAsync(Assistants.GetValueOrDefault(assistant));

    private void RequireModel(AssistantSpec assistant)
    {
        if (assistant.Upstream is null && !Models.ContainsKey(assistant.Model))
        {
            throw new ServingException(400, "invalid_model", $"Model '{assistant.Model}' does not exist.", "model");
        }
    }
}
