using Microsoft.Extensions.Logging.Abstractions;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Inference;
using Verge.Orleans.Grains.ModelFiles;

namespace Verge.Orleans.Tests.Inference;

public sealed class InferenceEngineTests
{
    [Fact]
    public async Task ScriptedModelAnswersWithThoughtThenGreeting()
    {
        using var model = LoadedModel.Load(TestModels.ScriptedPath);
        using var engine = new InferenceEngine(model, new EngineOptions { Parallel = 2, ContextSize = 256, Threads = 2 }, "test", NullLogger.Instance);
        var prompt = model.RenderPrompt([new ChatMessage("user", "Hi there")], disableThink: false);

        var events = await Collect(engine.Submit(prompt, new SamplingSettings { SplitReasoning = true }, CancellationToken.None));

        Assert.Equal(ScriptedModel.Answer, string.Concat(events.Select(e => e.Content)));
        Assert.Equal(ScriptedModel.Reasoning, string.Concat(events.Select(e => e.Reasoning)));
        var summary = events[^1].Summary!;
        Assert.Equal(FinishReason.Stop, summary.FinishReason);
        Assert.Equal(ScriptedModel.CompletionTokens, summary.CompletionTokens);
        Assert.Equal(prompt.Length, summary.PromptTokens);
    }

    [Fact]
    public async Task AFollowUpReusesTheCachedPrefixAndAnswersExactlyAsWithout()
    {
        // Random weights, so attention over the cached positions shapes every token: a wrong reuse shows.
        var path = Path.Combine(Path.GetTempPath(), $"verge-tests-{Environment.ProcessId}", "tiny-random.gguf");
        RandomModel.Write(path, new ModelShape(64, 2, 128, 4, 2, 1024), GgufTensorType.F16);
        using var model = LoadedModel.Load(path);
        var first = model.RenderPrompt([new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hi there")], disableThink: false);
        var followUp = model.RenderPrompt([new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hi there"), new ChatMessage("assistant", "Hello"), new ChatMessage("user", "More")], disableThink: false);
        var other = model.RenderPrompt([new ChatMessage("user", "Something else entirely")], disableThink: false);
        var greedy = new SamplingSettings { Temperature = 0, MaxTokens = 24, IgnoreEos = true };

        string fresh;
        using (var alone = new InferenceEngine(model, new EngineOptions { Parallel = 1, ContextSize = 512, Threads = 2 }, "fresh", NullLogger.Instance))
        {
            fresh = Text(await Collect(alone.Submit(followUp, greedy, CancellationToken.None)));
        }

        using var engine = new InferenceEngine(model, new EngineOptions { Parallel = 2, ContextSize = 512, Threads = 2 }, "cached", NullLogger.Instance);
        await Collect(engine.Submit(first, greedy, CancellationToken.None));
        await Collect(engine.Submit(other, greedy, CancellationToken.None));
        var reused = await Collect(engine.Submit(followUp, greedy, CancellationToken.None));
        var again = await Collect(engine.Submit(followUp, greedy, CancellationToken.None));

        var common = first.Zip(followUp).TakeWhile(pair => pair.First == pair.Second).Count();
        Assert.Equal(common, reused[^1].Summary!.CachedTokens);
        Assert.Equal(followUp.Length - common, reused[^1].Summary!.PromptEvaluated);
        Assert.Equal(fresh, Text(reused));
        Assert.Equal(followUp.Length - 1, again[^1].Summary!.CachedTokens);
        Assert.Equal(fresh, Text(again));
    }

    private static string Text(List<GenerationEvent> events) => string.Concat(events.Select(e => e.Content + e.Reasoning));

    private static async Task<List<GenerationEvent>> Collect(System.Threading.Channels.ChannelReader<GenerationEvent> reader)
    {
        var events = new List<GenerationEvent>();
        await foreach (var e in reader.ReadAllAsync())
        {
            events.Add(e);
        }

        return events;
    }
}
