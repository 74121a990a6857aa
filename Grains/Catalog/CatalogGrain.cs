using Verge.Orleans.Grains.Abstractions.Catalog;
using Verge.Orleans.Grains.Abstractions.Grains;

namespace Verge.Orleans.Grains.Catalog;

internal sealed class CatalogGrain(ConfiguredCatalog catalog) : Grain, ICatalogGrain
{
    Task<IReadOnlyList<AssistantSpec>> ICatalogGrain.ListAssistantsAsync() =>
        Task.FromResult<IReadOnlyList<AssistantSpec>>(catalog.Assistants.Values.OrderBy(a => a.Name, StringComparer.Ordinal).ToArray());

    Task<IReadOnlyList<ModelSpec>> ICatalogGrain.ListModelsAsync() =>
        Task.FromResult<IReadOnlyList<ModelSpec>>(catalog.Models.Values.OrderBy(m => m.Name, StringComparer.Ordinal).ToArray());
}
