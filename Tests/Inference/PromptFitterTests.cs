using Microsoft.Extensions.Logging.Abstractions;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Inference;
using Verge.Orleans.Grains.ModelFiles;

namespace Verge.Orleans.Tests.Inference;

/// <summary>Prompt rendering for chat history (dropping replayed turns) and for Insert Think Tag.</summary>
public sealed class PromptFitterTests
{
    private static readonly ChatMessage System = new("system", "Be brief.");
    private static readonly ChatMessage[] OldTurn = [new("user", "First question"), new("user", "and a second line"), new("assistant", "First answer")];
    private static readonly ChatMessage[] NewerTurn = [new("user", "Next question"), new("assistant", "Next answer")];
    private static readonly ChatMessage Question = new("user", "Now?");

    [Fact]
    public void OldestWholeTurnGoesFirstAndTheSystemPromptStays()
    {
        using var model = LoadedModel.Load(TestModels.ScriptedPath);
        var withoutOldest = model.RenderPrompt([System, .. NewerTurn, Question], disableThink: false);
        var request = new GenerationRequest { Messages = [System, .. OldTurn, .. NewerTurn, Question], HistoryMessages = 5, MaxTokens = 1 };

        var fitted = PromptFitter.Fit(model, request, contextSize: withoutOldest.Length + 1, insertThinkTag: false);

        Assert.Equal(withoutOldest, fitted.Tokens);
    }

    [Fact]
    public void WholeHistoryIsKeptWhileTheAnswerHasAQuarterOfTheContext()
    {
        using var model = LoadedModel.Load(TestModels.ScriptedPath);
        var full = model.RenderPrompt([System, .. OldTurn, .. NewerTurn, Question], disableThink: false);
        var request = new GenerationRequest { Messages = [System, .. OldTurn, .. NewerTurn, Question], HistoryMessages = 5 };
        var context = Enumerable.Range(full.Length, full.Length).First(c => full.Length + c / 4 <= c);

        Assert.Equal(full, PromptFitter.Fit(model, request, context, insertThinkTag: false).Tokens);
        Assert.Equal(model.RenderPrompt([System, .. NewerTurn, Question], disableThink: false),
            PromptFitter.Fit(model, request, context - 1, insertThinkTag: false).Tokens);
    }

    [Fact]
    public void RequestsOwnMessagesAreNeverDropped()
    {
        using var model = LoadedModel.Load(TestModels.ScriptedPath);
        ChatMessage[] messages = [System, .. OldTurn, .. NewerTurn, Question];
        var client = model.RenderPrompt(messages, disableThink: false);

        var fitted = PromptFitter.Fit(model, new GenerationRequest { Messages = messages }, contextSize: 8, insertThinkTag: false);

        Assert.Equal(client, fitted.Tokens);
    }

    [Fact]
    public async Task InsertedThinkTagMakesTheEngineStartInsideTheThought()
    {
        using var model = LoadedModel.Load(TestModels.ScriptedPath);
        using var engine = new InferenceEngine(model, new EngineOptions { Parallel = 2, ContextSize = 256, Threads = 2 }, "think", NullLogger.Instance);
        var plain = model.Render([Question], new PromptOptions { DisableThink = false, InsertThinkTag = false });
        var inserted = model.Render([Question], new PromptOptions { DisableThink = false, InsertThinkTag = true });
        var settings = new SamplingSettings { SplitReasoning = true };

        var split = await Collect(engine.Submit(inserted.Tokens, settings with { StartInReasoning = inserted.OpensThought }, CancellationToken.None));
        var unsplit = await Collect(engine.Submit(inserted.Tokens, settings, CancellationToken.None));

        Assert.False(plain.OpensThought);
        Assert.True(inserted.OpensThought);
        Assert.Equal(plain.Tokens, inserted.Tokens[..^1]);
        Assert.Equal((ScriptedModel.Answer, ScriptedModel.Reasoning), split);
        Assert.Equal(($"{ScriptedModel.Reasoning}</think>\n\n{ScriptedModel.Answer}", ""), unsplit);
    }

    [Fact]
    public void DisableThinkWinsOverInsertThinkTag()
    {
        using var model = LoadedModel.Load(TestModels.ScriptedPath);

        var rendered = model.Render([Question], new PromptOptions { DisableThink = true, InsertThinkTag = true });

        Assert.False(rendered.OpensThought);
        Assert.Equal(model.RenderPrompt([Question], disableThink: true), rendered.Tokens);
    }

    private static async Task<(string Content, string Reasoning)> Collect(System.Threading.Channels.ChannelReader<GenerationEvent> reader)
    {
        var (content, reasoning) = ("", "");
        await foreach (var update in reader.ReadAllAsync())
        {
            (content, reasoning) = (content + update.Content, reasoning + update.Reasoning);
        }

        return (content, reasoning);
    }
}
