using System.Text.Json;
using OpenAI.Chat;
using Verge.Orleans.Grains.ModelFiles;

namespace Verge.Orleans.Tests.Gateway;

[Collection(GatewayCollection.Name)]
public sealed class ChatCompletionsTests(GatewayFixture gateway)
{
    private static readonly ChatMessage[] Hello = [new UserChatMessage("Hello there")];

    [Fact]
    public async Task ModelsListNamesTheDemoAssistant()
    {
        var models = await gateway.OpenAi().GetOpenAIModelClient().GetModelsAsync();

        Assert.Contains(GatewayFixture.Demo, models.Value.Select(m => m.Id));
    }

    [Fact]
    public async Task CompletionReturnsScriptedAnswerWithThoughtInReasoningContent()
    {
        var result = await gateway.Chat().CompleteChatAsync(Hello, new ChatCompletionOptions { Temperature = 0 });

        Assert.Equal(ScriptedModel.Answer, result.Value.Content.Single().Text);
        Assert.Equal(ChatFinishReason.Stop, result.Value.FinishReason);
        Assert.Equal(ScriptedModel.CompletionTokens, result.Value.Usage.OutputTokenCount);
        using var raw = JsonDocument.Parse(result.GetRawResponse().Content);
        var root = raw.RootElement;
        Assert.Equal(ScriptedModel.Reasoning, root.GetProperty("choices")[0].GetProperty("message").GetProperty("reasoning_content").GetString());
        Assert.Equal(GatewayFixture.Demo, root.GetProperty("model").GetString());
        Assert.Equal(GatewayFixture.Demo, root.GetProperty("system_fingerprint").GetString());
        var timings = root.GetProperty("timings");
        Assert.Equal(9, timings.EnumerateObject().Count());
        Assert.InRange(timings.GetProperty("queue_ms").GetDouble(), 0, 60_000);
        Assert.Equal(result.Value.Usage.OutputTokenCount, timings.GetProperty("predicted_n").GetInt32());
        Assert.Equal(result.Value.Usage.InputTokenCount, timings.GetProperty("prompt_n").GetInt32() + result.Value.Usage.InputTokenDetails.CachedTokenCount);
    }

    [Fact]
    public async Task ARepeatedPromptIsServedFromTheSlotsCache()
    {
        var options = new ChatCompletionOptions { Temperature = 0 };
        ChatMessage[] conversation = [new SystemChatMessage("You are the Verge test assistant. " + string.Concat(Enumerable.Repeat("Answer briefly. ", 20))), new UserChatMessage("Hi there")];

        var first = await gateway.Chat(GatewayFixture.Solo).CompleteChatAsync(conversation, options);
        var second = await gateway.Chat(GatewayFixture.Solo).CompleteChatAsync(conversation, options);

        Assert.Equal(first.Value.Content.Single().Text, second.Value.Content.Single().Text);
        Assert.Equal(second.Value.Usage.InputTokenCount - 1, second.Value.Usage.InputTokenDetails.CachedTokenCount);
        using var raw = JsonDocument.Parse(second.GetRawResponse().Content);
        Assert.Equal(1, raw.RootElement.GetProperty("timings").GetProperty("prompt_n").GetInt32());
    }

    [Fact]
    public async Task StreamedDeltasConcatenateToTheSameTextAndEndWithUsage()
    {
        var options = new ChatCompletionOptions { Temperature = 0 };
        var text = "";
        var updates = new List<StreamingChatCompletionUpdate>();
        await foreach (var update in gateway.Chat().CompleteChatStreamingAsync(Hello, options))
        {
            updates.Add(update);
            text += string.Concat(update.ContentUpdate.Select(p => p.Text));
        }

        Assert.Equal(ScriptedModel.Answer, text);
        Assert.Single(updates, u => u.FinishReason is not null);
        Assert.Equal(ChatFinishReason.Stop, updates.Single(u => u.FinishReason is not null).FinishReason);
        Assert.Equal(ScriptedModel.CompletionTokens, updates[^1].Usage.OutputTokenCount);
        Assert.Single(updates.Select(u => u.CompletionId).Distinct());
    }

    [Fact]
    public async Task StopStringEndsTheAnswerBeforeIt()
    {
        var options = new ChatCompletionOptions { Temperature = 0, StopSequences = { " Verge" } };

        var result = await gateway.Chat().CompleteChatAsync(Hello, options);

        Assert.Equal("Hello! I am the", result.Value.Content.Single().Text);
        Assert.Equal(ChatFinishReason.Stop, result.Value.FinishReason);
    }

    [Fact]
    public async Task TokenLimitEndsWithFinishReasonLength()
    {
        var options = new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 12 };

        var result = await gateway.Chat().CompleteChatAsync(Hello, options);

        Assert.Equal(ChatFinishReason.Length, result.Value.FinishReason);
        Assert.Equal(12, result.Value.Usage.OutputTokenCount);
        Assert.Equal("Hello! I", result.Value.Content.Single().Text);
    }

    [Fact]
    public async Task SameSeedAtTemperatureOneGivesTheSameText()
    {
        var options = new ChatCompletionOptions { Temperature = 1, Seed = 42, MaxOutputTokenCount = 30 };

        var first = await gateway.Chat().CompleteChatAsync(Hello, options);
        var second = await gateway.Chat().CompleteChatAsync(Hello, options);

        Assert.Equal(first.Value.Content.Single().Text, second.Value.Content.Single().Text);
    }
}
