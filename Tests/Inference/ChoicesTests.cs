using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Inference;
using Verge.Orleans.Grains.ModelFiles;
using static Verge.Orleans.Tests.Inference.EngineRuns;

namespace Verge.Orleans.Tests.Inference;

public sealed class ChoicesTests
{
    [Fact]
    public async Task TwoGreedyChoicesAreIdenticalAndShareOnePromptEvaluation()
    {
        using var model = LoadedModel.Load(TestModels.ScriptedPath);
        using var engine = Engine(model);
        var prompt = Prompt(model);

        var events = await Run(engine, prompt, new SamplingSettings { SplitReasoning = true, N = 2 });

        Assert.Equal(prompt.Length, engine.Counters.PromptTokensEvaluated);
        foreach (var choice in new[] { 0, 1 })
        {
            Assert.Equal(ScriptedModel.Answer, Content(events, choice));
            Assert.Equal(ScriptedModel.Reasoning, Reasoning(events, choice));
            var summary = Summary(events, choice);
            Assert.Equal(choice, summary.Choice);
            Assert.Equal(FinishReason.Stop, summary.FinishReason);
            Assert.Equal(ScriptedModel.CompletionTokens, summary.CompletionTokens);
            Assert.Equal(prompt.Length, summary.PromptTokens);
            Assert.Equal(prompt.Length, summary.PromptEvaluated);
            Assert.Equal(Summary(events, 0).PromptMs, summary.PromptMs);
        }

        Assert.Equal(GenerationEventKind.Finished, events[^1].Kind);
    }

    [Fact]
    public async Task ChoicesOfAFollowUpReuseTheCachedPrefixAndAnswerAsAFreshEngine()
    {
        using var model = LoadedModel.Load(RandomPath);
        var first = model.RenderPrompt([new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hi there")], disableThink: false);
        var followUp = model.RenderPrompt([new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hi there"), new ChatMessage("assistant", "Hello"), new ChatMessage("user", "More")], disableThink: false);
        var greedy = new SamplingSettings { MaxTokens = 12, IgnoreEos = true };
        string fresh;
        using (var alone = Engine(model, parallel: 1))
        {
            fresh = Content(await Run(alone, followUp, greedy));
        }

        using var engine = Engine(model, parallel: 3);
        await Run(engine, first, greedy);
        var events = await Run(engine, followUp, greedy with { N = 2 });

        var common = first.Zip(followUp).TakeWhile(pair => pair.First == pair.Second).Count();
        Assert.Equal(first.Length + followUp.Length - common, engine.Counters.PromptTokensEvaluated);
        Assert.All([0, 1], choice =>
        {
            Assert.Equal(fresh, Content(events, choice));
            Assert.Equal(common, Summary(events, choice).CachedTokens);
        });
    }

    [Fact]
    public async Task SampledChoicesUseTheirOwnSeedsAndSummaries()
    {
        using var model = LoadedModel.Load(RandomPath);
        using var engine = Engine(model, parallel: 3);
        var settings = new SamplingSettings { Temperature = 1f, Seed = 7, N = 2, MaxTokens = 16, IgnoreEos = true };

        var events = await Run(engine, Prompt(model), settings);

        Assert.Equal([0, 1], events.Where(e => e.Summary is not null).Select(e => e.Summary!.Choice).Order());
        Assert.All([0, 1], choice => Assert.Equal(16, Summary(events, choice).CompletionTokens));
        Assert.All([0, 1], choice => Assert.Equal(FinishReason.Length, Summary(events, choice).FinishReason));
        Assert.NotEqual(Content(events, 0), Content(events, 1));
        var alone = await Run(engine, Prompt(model), settings with { N = 1, Seed = 8 });
        Assert.Equal(Content(events, 1), Content(alone));
    }

    [Fact]
    public void MoreChoicesThanSlotsAreRefused()
    {
        using var model = LoadedModel.Load(TestModels.ScriptedPath);
        using var engine = Engine(model, parallel: 2);

        var error = Assert.Throws<ServingException>(() => engine.Submit(Prompt(model), new SamplingSettings { N = 3 }, CancellationToken.None));

        Assert.Equal("invalid_value", error.Code);
        Assert.Equal("n", error.Param);
    }

    [Fact]
    public async Task CancellingAMultiChoiceRequestFreesAllItsSlots()
    {
        using var model = LoadedModel.Load(RandomPath);
        using var engine = Engine(model);
        using var cancel = new CancellationTokenSource();
        var reader = engine.Submit(Prompt(model), new SamplingSettings { N = 2, IgnoreEos = true }, cancel.Token);

        await reader.ReadAsync();
        cancel.Cancel();
        var rest = await Collect(reader);

        Assert.All(rest.Where(e => e.Summary is not null), e => Assert.Equal(FinishReason.Cancelled, e.Summary!.FinishReason));
        var next = await Run(engine, Prompt(model), new SamplingSettings { N = 2, MaxTokens = 3, IgnoreEos = true });
        Assert.All([0, 1], choice => Assert.Equal(3, Summary(next, choice).CompletionTokens));
        Assert.Equal(0, engine.Counters.SlotsBusy);
    }
}
