using System.Diagnostics;
using Verge.Orleans.Gateway.Operations;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Abstractions.Resilience;

namespace Verge.Orleans.Gateway.Serving;

/// <summary>
/// Runs one embeddings request: the assistant picks a worker of its (embedding) model, the worker embeds
/// every input. Embedding has no side effects, so a worker lost on the way is simply asked again.
/// </summary>
internal sealed class EmbeddingRunner(IGrainFactory grains, ServingMetrics metrics)
{
    public async Task<EmbeddingResult> EmbedAsync(string assistant, EmbeddingRequest request, CancellationToken aborted)
    {
        var arrived = Stopwatch.GetTimestamp();
        var result = await SiloLoss.Retry.ExecuteAsync(async _ =>
        {
            var worker = await grains.GetGrain<IAssistantGrain>(assistant).PlanEmbeddingAsync();
            return await grains.GetGrain<IModelWorkerGrain>(worker).EmbedAsync(request, aborted);
        }, aborted);
        metrics.Embedded(assistant, result, request.Count, Stopwatch.GetElapsedTime(arrived));
        return result;
    }

    /// <summary>Counts a request refused before it was embedded, under its status.</summary>
    public void Refused(string assistant, int status) => metrics.Refused(assistant, status, ServingMetrics.EmbeddingsRoute);
}
