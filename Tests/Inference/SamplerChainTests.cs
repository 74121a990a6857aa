using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Inference;
using Verge.Orleans.Grains.ModelFiles;
using static Verge.Orleans.Tests.Inference.EngineRuns;

namespace Verge.Orleans.Tests.Inference;

public sealed class SamplerChainTests
{
    [Fact]
    public async Task BanningTheFirstAnswerTokenChangesTheGreedyAnswerDeterministically()
    {
        using var model = LoadedModel.Load(TestModels.ScriptedPath);
        using var engine = Engine(model);
        var banned = new SamplingSettings
        {
            SplitReasoning = true,
            LogitBias = new Dictionary<int, float> { [(int)Token(model, "Hello")] = -100f },
        };

        var first = await Run(engine, Prompt(model), banned);
        var second = await Run(engine, Prompt(model), banned);

        Assert.Equal(ScriptedModel.Reasoning, Reasoning(first));
        Assert.DoesNotContain("Hello", Content(first), StringComparison.Ordinal);
        Assert.NotEqual(ScriptedModel.Answer, Content(first));
        Assert.Equal(Content(first), Content(second));
    }

    [Fact]
    public async Task PenaltiesChangeTheGreedyOutputOfARandomModel()
    {
        using var model = LoadedModel.Load(RandomPath);
        using var engine = Engine(model);
        var greedy = new SamplingSettings { MaxTokens = 32, IgnoreEos = true };
        var penalized = greedy with { RepeatPenalty = 1.5f, FrequencyPenalty = 1f, PresencePenalty = 1f };

        var plain = Content(await Run(engine, Prompt(model), greedy));
        var withPenalties = Content(await Run(engine, Prompt(model), penalized));

        Assert.NotEqual(plain, withPenalties);
        Assert.Equal(withPenalties, Content(await Run(engine, Prompt(model), penalized)));
    }

    [Fact]
    public async Task EveryGeneratedTokenHasItsLogprobWithSortedAlternatives()
    {
        using var model = LoadedModel.Load(TestModels.ScriptedPath);
        using var engine = Engine(model);

        var events = await Run(engine, Prompt(model), new SamplingSettings { SplitReasoning = true, Logprobs = true, TopLogprobs = 3 });

        var logprobs = events.Where(e => e.Logprobs is not null).SelectMany(e => e.Logprobs!).ToList();
        // Every token but the final end-of-generation token carries text, and each has exactly one logprob.
        Assert.Equal(ScriptedModel.CompletionTokens - 1, logprobs.Count);
        Assert.Equal($"<think>{ScriptedModel.Reasoning}</think>\n\n{ScriptedModel.Answer}", string.Concat(logprobs.Select(l => l.Token)));
        Assert.All(logprobs, logprob =>
        {
            Assert.Equal(3, logprob.Top.Count);
            Assert.Equal(logprob.Top.OrderByDescending(t => t.Logprob).Select(t => t.Logprob), logprob.Top.Select(t => t.Logprob));
            Assert.Equal(logprob.Token, logprob.Top[0].Token);
            Assert.Equal(logprob.Logprob, logprob.Top[0].Logprob);
            Assert.True(logprob.Logprob <= 0, $"{logprob.Token}: {logprob.Logprob}");
            Assert.Equal(logprob.Token, System.Text.Encoding.UTF8.GetString(logprob.Bytes));
        });
        Assert.Null(events.Single(e => e.Kind == GenerationEventKind.Finished).Logprobs);
    }

    [Fact]
    public async Task WithoutLogprobsNoDeltaCarriesThem()
    {
        using var model = LoadedModel.Load(TestModels.ScriptedPath);
        using var engine = Engine(model);

        var events = await Run(engine, Prompt(model), new SamplingSettings { SplitReasoning = true });

        Assert.All(events, e => Assert.Null(e.Logprobs));
        Assert.Equal(8, Summary(events).ReasoningTokens);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(21)]
    public void TopLogprobsOutsideZeroToTwentyAreRefused(int top)
    {
        using var model = LoadedModel.Load(TestModels.ScriptedPath);
        using var engine = Engine(model);

        var error = Assert.Throws<ServingException>(() => engine.Submit(Prompt(model), new SamplingSettings { Logprobs = true, TopLogprobs = top }, CancellationToken.None));

        Assert.Equal("top_logprobs", error.Param);
    }
}
