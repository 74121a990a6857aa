using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Grains.Abstractions.Grains;

/// <summary>
/// One running instance of a model: a façade over the silo's inference engine that owns a llama
/// context. Keyed by <see cref="WorkerKey"/>; placed only on silos its model may run on.
/// </summary>
[Alias("verge.IModelWorkerGrain")]
public interface IModelWorkerGrain : IGrainWithStringKey
{
    /// <summary>Loads the model if needed and reports the worker's state.</summary>
    [Alias("StartAsync")]
    [ResponseTimeout("00:10:00")] // loading a large model takes longer than an ordinary call may
    Task<WorkerStatus> StartAsync();

    /// <summary>Streams a generation: <see cref="GenerationEventKind.Accepted"/>, deltas, then <see cref="GenerationEventKind.Finished"/>.</summary>
    [Alias("GenerateAsync")]
    IAsyncEnumerable<GenerationEvent> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// The prompt tokens <paramref name="request"/> would use here, rendered and tokenized exactly as
    /// <see cref="GenerateAsync"/> renders it, without generating.
    /// </summary>
    [Alias("CountTokensAsync")]
    Task<int> CountTokensAsync(GenerationRequest request);

    /// <summary>
    /// Embeds the inputs of an embedding model, batched with other requests' inputs. Throws
    /// <see cref="ServingException"/> (400) for a chat model, an input too long or a dimension count too large.
    /// </summary>
    [Alias("EmbedAsync")]
    [ResponseTimeout("00:05:00")] // thousands of inputs take longer than an ordinary call may; the caller's token still cancels
    Task<EmbeddingResult> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken = default);

    /// <summary>Unloads the worker: running sequences end with an error, and the activation goes away.</summary>
    [Alias("StopAsync")]
    Task StopAsync();

    /// <summary>Slots, queue and engine counters of this worker.</summary>
    [Alias("GetStatusAsync")]
    Task<WorkerStatus> GetStatusAsync();
}
