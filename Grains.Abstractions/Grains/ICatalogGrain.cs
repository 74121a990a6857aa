using Verge.Orleans.Grains.Abstractions.Catalog;

namespace Verge.Orleans.Grains.Abstractions.Grains;

/// <summary>The directory of assistants and models (one per cluster, key 0).</summary>
[Alias("verge.ICatalogGrain")]
public interface ICatalogGrain : IGrainWithIntegerKey
{
    /// <summary>Every assistant, ordered by name.</summary>
    [Alias("ListAssistantsAsync")]
    Task<IReadOnlyList<AssistantSpec>> ListAssistantsAsync();

    /// <summary>Every model, ordered by name.</summary>
    [Alias("ListModelsAsync")]
    Task<IReadOnlyList<ModelSpec>> ListModelsAsync();
}
