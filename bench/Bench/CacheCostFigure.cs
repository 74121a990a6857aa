using System.Text;
using LLama.Native;
using Microsoft.Extensions.Logging.Abstractions;
using Verge.Orleans.Grains.Inference;

namespace Verge.Orleans.Bench;

/// <summary>
/// What the prompt cache costs the decode thread: two prompts of one length take turns on a one-slot
/// engine, so each turn saves the other's state to host RAM and restores its own.
/// </summary>
internal static class CacheCostFigure
{
    public static async Task RunAsync(string modelPath)
    {
        using var model = LoadedModel.Load(modelPath);
        foreach (var length in new[] { 256, 1024 })
        {
            using var engine = new InferenceEngine(model, new EngineOptions { Parallel = 1, ContextSize = 2048, Threads = Environment.ProcessorCount }, "cache-cost", NullLogger.Instance);
            LLamaToken[][] prompts = [Prompt(model, "alpha", length), Prompt(model, "bravo", length)];
            var settings = new SamplingSettings { Temperature = 0, MaxTokens = 1, IgnoreEos = true };
            for (var turn = 0; turn < 6; turn++)
            {
                await foreach (var _ in engine.Submit(prompts[turn % 2], settings, CancellationToken.None).ReadAllAsync())
                {
                }
            }

            var cache = engine.Counters.PromptCache;
            Console.WriteLine($"prompt cache, {length}-token sequence: save {cache.SaveMs / cache.Saves:F2} ms ({cache.Saves} saves), restore {cache.RestoreMs / cache.Restores:F2} ms ({cache.Restores} restores), {cache.Bytes / Math.Max(1, cache.Entries) / 1024.0 / length:F1} KiB per token");
        }
    }

    private static LLamaToken[] Prompt(LoadedModel model, string name, int length)
    {
        var text = name + ": " + string.Concat(Enumerable.Repeat($"the {name} conversation goes on about the cluster and its workers. ", length / 4));
        return model.Weights.Tokenize(text, true, false, Encoding.UTF8)[..length];
    }
}
