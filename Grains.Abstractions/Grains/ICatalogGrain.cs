using Verge.Orleans.Grains.Abstractions.Catalog;

namespace Verge.Orleans.Grains.Abstractions.Grains;

/// <summary>
/// The durable directory of models and assistants (one per cluster, key 0). Configuration seeds it on
/// a fresh install; afterwards the admin API changes it.
/// </summary>
[Alias("verge.ICatalogGrain")]
public interface ICatalogGrain : IGrainWithIntegerKey
{
    /// <summary>Every assistant, ordered by name.</summary>
    [Alias("ListAssistantsAsync")]
    Task<IReadOnlyList<AssistantSpec>> ListAssistantsAsync();

    /// <summary>Every model, ordered by name.</summary>
    [Alias("ListModelsAsync")]
    Task<IReadOnlyList<ModelSpec>> ListModelsAsync();

    [Alias("GetAssistantAsync")]
    Task<AssistantSpec?> GetAssistantAsync(string name);

    [Alias("GetModelAsync")]
    Task<ModelSpec?> GetModelAsync(string name);

    /// <summary>Registers a model and, unless one exists, an assistant of the same name; 409 on a duplicate.</summary>
    [Alias("CreateModelAsync")]
    Task<ModelSpec> CreateModelAsync(ModelSpec model);

    /// <summary>Replaces a model's settings (its model grain then restarts the workers with them).</summary>
    [Alias("UpdateModelAsync")]
    Task<ModelSpec> UpdateModelAsync(ModelSpec model);

    /// <summary>Removes a model and its same-named assistant (its model grain then stops the workers); 409 while other assistants use it.</summary>
    [Alias("DeleteModelAsync")]
    Task DeleteModelAsync(string name);

    /// <summary>Creates an assistant over an existing model; 409 on a duplicate name.</summary>
    [Alias("CreateAssistantAsync")]
    Task<AssistantSpec> CreateAssistantAsync(AssistantSpec assistant);

    [Alias("UpdateAssistantAsync")]
    Task<AssistantSpec> UpdateAssistantAsync(AssistantSpec assistant);

    [Alias("DeleteAssistantAsync")]
    Task DeleteAssistantAsync(string name);
}
