using System.Text.RegularExpressions;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Inference;
using Verge.Orleans.Grains.ModelFiles;
using static Verge.Orleans.Tests.Inference.EngineRuns;

namespace Verge.Orleans.Tests.Inference;

public sealed class GrammarSamplingTests
{
    [Fact]
    public async Task ARandomModelFollowsAJsonGrammarAndEnds()
    {
        using var model = LoadedModel.Load(RandomPath);
        using var engine = Engine(model);
        // Sampled, not greedy: greedy decoding of random weights repeats one digit forever.
        var settings = new SamplingSettings { Grammar = """root ::= "{" "\"a\"" ":" [0-9]+ "}" """, Temperature = 1f, Seed = 3, MaxTokens = 64 };

        var events = await Run(engine, Prompt(model), settings);

        Assert.Matches(new Regex("""^\{"a":[0-9]+\}$"""), Content(events));
        Assert.Equal(FinishReason.Stop, Summary(events).FinishReason);
    }

    [Fact]
    public async Task TheGrammarEngagesAfterTheReasoning()
    {
        using var model = LoadedModel.Load(TestModels.ScriptedPath);
        using var engine = Engine(model);
        var settings = new SamplingSettings { SplitReasoning = true, Grammar = """root ::= "{\"ok\":true}" """ };

        var events = await Run(engine, Prompt(model), settings);

        Assert.Equal(ScriptedModel.Reasoning, Reasoning(events));
        Assert.Equal("""{"ok":true}""", Content(events));
        Assert.Equal(FinishReason.Stop, Summary(events).FinishReason);
    }

    [Fact]
    public async Task ATriggeredGrammarStaysFreeUntilItsTriggerToken()
    {
        using var model = LoadedModel.Load(TestModels.ScriptedPath);
        using var engine = Engine(model);
        var settings = new SamplingSettings
        {
            SplitReasoning = true,
            Grammar = """root ::= "Hello" " world" """,
            GrammarTriggers = [(int)Token(model, "Hello")],
        };

        var events = await Run(engine, Prompt(model), settings);

        Assert.Equal(ScriptedModel.Reasoning, Reasoning(events));
        Assert.Equal("Hello world", Content(events));
    }

    [Fact]
    public async Task ASpecialTriggerTokenIsMatchedByItsTextInTheGrammar()
    {
        using var model = LoadedModel.Load(TestModels.ScriptedPath);
        using var engine = Engine(model);
        // <think> is a special (user-defined) token, like a tool call's opening tag: the grammar spells it out.
        var settings = new SamplingSettings
        {
            Grammar = """root ::= "<think>" "ok" """,
            GrammarTriggers = [(int)Token(model, "<think>")],
        };

        var events = await Run(engine, Prompt(model), settings);

        Assert.Equal("<think>ok", Content(events));
        Assert.Equal(FinishReason.Stop, Summary(events).FinishReason);
    }

    [Fact]
    public async Task AnUntriggeredGrammarLeavesTheOutputFree()
    {
        using var model = LoadedModel.Load(TestModels.ScriptedPath);
        using var engine = Engine(model);
        var settings = new SamplingSettings
        {
            SplitReasoning = true,
            Grammar = """root ::= "<|endoftext|>" [0-9]""",
            GrammarTriggers = [(int)Token(model, "<|endoftext|>")],
        };

        var events = await Run(engine, Prompt(model), settings);

        Assert.Equal(ScriptedModel.Answer, Content(events));
    }

    [Fact]
    public async Task ADeadEndGrammarEndsTheRequestWithAnErrorAndTheEngineServesTheNext()
    {
        using var model = LoadedModel.Load(RandomPath);
        using var engine = Engine(model);
        // After "a" only a NUL character may follow, and no token's text can supply one.
        var settings = new SamplingSettings { Grammar = """root ::= "a" [\x00]""", MaxTokens = 8 };

        var error = await Assert.ThrowsAsync<ServingException>(() => Run(engine, Prompt(model), settings));

        Assert.Equal("grammar_dead_end", error.Code);
        Assert.Equal("grammar", error.Param);
        var next = await Run(engine, Prompt(model), new SamplingSettings { MaxTokens = 4, IgnoreEos = true });
        Assert.Equal(4, Summary(next).CompletionTokens);
    }

    [Theory]
    [InlineData("""root ::= "a" (""")]
    [InlineData("""root ::= undefined""")]
    [InlineData("""start ::= "a" """)]
    public void AnInvalidGrammarIsRefusedAtSubmit(string grammar)
    {
        using var model = LoadedModel.Load(TestModels.ScriptedPath);
        using var engine = Engine(model);

        var error = Assert.Throws<ServingException>(() => engine.Submit(Prompt(model), new SamplingSettings { Grammar = grammar }, CancellationToken.None));

        Assert.Equal("invalid_grammar", error.Code);
        Assert.Equal(400, error.Status);
    }
}
