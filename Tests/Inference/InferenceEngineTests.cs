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
