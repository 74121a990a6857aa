using LLama.Native;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Inference;
using Verge.Orleans.Grains.ModelFiles;
using static Verge.Orleans.Tests.Inference.EngineRuns;

namespace Verge.Orleans.Tests.Inference;

/// <summary>
/// In-flight migration at the engine: a request continued from the tokens of its first events (as a lost
/// worker delivered them) sends exactly the rest of the answer an uninterrupted run sends.
/// </summary>
public sealed class ContinuationTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(9)]
    public async Task AGreedyAnswerContinuedAfterAnyEventIsTheUninterruptedAnswer(int deliveredEvents)
    {
        using var model = LoadedModel.Load(TestModels.ScriptedPath);
        using var engine = Engine(model);
        var settings = new SamplingSettings { SplitReasoning = true, Temperature = 0 };

        var whole = await Run(engine, Prompt(model), settings);
        var (seen, rest) = await ContinueAsync(engine, Prompt(model), settings, whole, deliveredEvents);

        Assert.Equal(ScriptedModel.Reasoning, Reasoning([.. seen, .. rest]));
        Assert.Equal(ScriptedModel.Answer, Content([.. seen, .. rest]));
        Assert.Equal(Summary(whole).CompletionTokens, Summary(rest).CompletionTokens);
        Assert.Equal(Summary(whole).PromptTokens, Summary(rest).PromptTokens);
        Assert.Equal(FinishReason.Stop, Summary(rest).FinishReason);
    }

    [Fact]
    public async Task SeededSamplingContinuesWithTheDrawsTheLostWorkerWouldHaveMade()
    {
        using var model = LoadedModel.Load(RandomPath);
        using var engine = Engine(model);
        var settings = new SamplingSettings { Temperature = 1.5f, Seed = 42, MaxTokens = 40, IgnoreEos = true, RepeatPenalty = 1.2f };

        var whole = await Run(engine, Prompt(model), settings);
        var other = await Run(engine, Prompt(model), settings with { Seed = 43 });
        var (seen, rest) = await ContinueAsync(engine, Prompt(model), settings, whole, 15);

        Assert.NotEqual(Content(whole), Content(other));
        Assert.Equal(Content(whole), Content([.. seen, .. rest]));
        Assert.Equal(40, Summary(rest).CompletionTokens);
        Assert.Equal(FinishReason.Length, Summary(rest).FinishReason);
    }

    [Fact]
    public async Task AnAnswerDeliveredToItsLastTokenEndsAtOnceWithoutMoreText()
    {
        using var model = LoadedModel.Load(RandomPath);
        using var engine = Engine(model);
        var settings = new SamplingSettings { Temperature = 0, MaxTokens = 8, IgnoreEos = true };

        var whole = await Run(engine, Prompt(model), settings);
        var delivered = whole.Where(e => e.Tokens is not null).SelectMany(e => e.Tokens!).ToArray();
        var rest = await Collect(engine.Submit(Prompt(model), settings, CancellationToken.None, delivered: [.. delivered.Select(t => (LLamaToken)t)]));

        Assert.Equal(8, delivered.Length);
        Assert.Equal("", Content(rest));
        Assert.Equal(FinishReason.Length, Summary(rest).FinishReason);
        Assert.Equal(8, Summary(rest).CompletionTokens);
    }

    [Fact]
    public async Task OnlyARequestWithOneChoiceCanBeContinued()
    {
        using var model = LoadedModel.Load(TestModels.ScriptedPath);
        using var engine = Engine(model, parallel: 2);

        var refused = Assert.Throws<ServingException>(() =>
            engine.Submit(Prompt(model), new SamplingSettings { N = 2 }, CancellationToken.None, delivered: [Token(model, "Hello")]));

        Assert.Equal((400, "n"), (refused.Status, refused.Param));
    }

    // Delivers the tokens of the first events of an uninterrupted run, then continues from them.
    private static async Task<(List<GenerationEvent> Seen, List<GenerationEvent> Continued)> ContinueAsync(
        InferenceEngine engine, LLamaToken[] prompt, SamplingSettings settings, List<GenerationEvent> whole, int deliveredEvents)
    {
        var seen = whole.Where(e => e.Kind == GenerationEventKind.Delta).Take(deliveredEvents).ToList();
        Assert.Equal(deliveredEvents, seen.Count);
        LLamaToken[] delivered = [.. seen.SelectMany(e => e.Tokens!).Select(t => (LLamaToken)t)];
        var rest = await Collect(engine.Submit(prompt, settings, CancellationToken.None, delivered: delivered));
        return (seen, rest);
    }
}
