using System.Text;
using System.Threading.Channels;
using LLama.Native;
using Microsoft.Extensions.Logging.Abstractions;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Inference;
using Verge.Orleans.Grains.ModelFiles;

namespace Verge.Orleans.Tests.Inference;

/// <summary>Engines over the scripted and a tiny random model, and reading their output.</summary>
internal static class EngineRuns
{
    private static readonly Lazy<string> Random = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"verge-tests-{Environment.ProcessId}", "tiny-random-sampling.gguf");
        RandomModel.Write(path, new ModelShape(64, 2, 128, 4, 2, 1024), GgufTensorType.F16);
        return path;
    });

    public static string RandomPath => Random.Value;

    public static InferenceEngine Engine(LoadedModel model, int parallel = 2) =>
        new(model, new EngineOptions { Parallel = parallel, ContextSize = 256, Threads = 2 }, "test", NullLogger.Instance);

    public static LLamaToken[] Prompt(LoadedModel model, string text = "Hi there") =>
        model.RenderPrompt([new ChatMessage("user", text)], disableThink: false);

    public static LLamaToken Token(LoadedModel model, string text) =>
        Assert.Single(model.Weights.Tokenize(text, false, true, Encoding.UTF8));

    public static async Task<List<GenerationEvent>> Collect(ChannelReader<GenerationEvent> reader)
    {
        var events = new List<GenerationEvent>();
        await foreach (var e in reader.ReadAllAsync())
        {
            events.Add(e);
        }

        return events;
    }

    public static Task<List<GenerationEvent>> Run(InferenceEngine engine, LLamaToken[] prompt, SamplingSettings settings) =>
        Collect(engine.Submit(prompt, settings, CancellationToken.None));

    public static string Content(IEnumerable<GenerationEvent> events, int choice = 0) =>
        string.Concat(events.Where(e => e.Choice == choice).Select(e => e.Content));

    public static string Reasoning(IEnumerable<GenerationEvent> events, int choice = 0) =>
        string.Concat(events.Where(e => e.Choice == choice).Select(e => e.Reasoning));

    public static GenerationSummary Summary(IEnumerable<GenerationEvent> events, int choice = 0) =>
        Assert.Single(events, e => e.Summary is not null && e.Choice == choice).Summary!;
}
