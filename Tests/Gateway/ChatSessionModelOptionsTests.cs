using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Verge.Orleans.Grains.ModelFiles;

namespace Verge.Orleans.Tests.Gateway;

/// <summary>The model fields that shape chat history: Strip Think Tag From History, Insert Think Tag, Context Size.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ChatSessionModelOptionsTests(GatewayFixture gateway)
{
    [Fact]
    public async Task StrippedReasoningIsNeitherStoredNorReplayed()
    {
        var model = await CreateModelAsync(new JsonObject { ["stripThinkTagFromHistory"] = true });
        var client = gateway.Client();
        var id = ChatSessionsTests.NewSessionId();

        var first = await SessionChat.SendAsync(client, model, [("user", "Hi there")], header: id);
        var second = await SessionChat.SendAsync(client, model, [("user", "Again")], header: id);
        var spelledOut = await SessionChat.SendAsync(client, model, [("user", "Hi there"), ("assistant", ScriptedModel.Answer), ("user", "Again")]);

        Assert.Equal(ScriptedModel.Reasoning, first.Reasoning);
        Assert.Equal(spelledOut.PromptTokens, second.PromptTokens);
        Assert.Equal([("Hi there", ScriptedModel.Answer, ""), ("Again", ScriptedModel.Answer, "")],
            ChatSessionsTests.Turns(await client.GetFromJsonAsync<JsonElement>($"/api/v1/sessions/{id}")));
    }

    /// <summary>
    /// The server ends the prompt with <c>&lt;think&gt;</c>, so the scripted model continues from inside the
    /// thought and never emits the tag itself: only a splitter that starts in reasoning separates the two.
    /// </summary>
    [Fact]
    public async Task InsertThinkTagStartsGenerationInsideTheThought()
    {
        var model = await CreateModelAsync(new JsonObject { ["insertThinkTag"] = true });
        var plain = await SessionChat.SendAsync(gateway.Client(), GatewayFixture.Demo, [("user", "Hi there")]);

        var answer = await SessionChat.SendAsync(gateway.Client(), model, [("user", "Hi there")]);

        Assert.Equal(ScriptedModel.Answer, answer.Content);
        Assert.Equal(ScriptedModel.Reasoning, answer.Reasoning);
        Assert.Equal(plain.PromptTokens + 1, answer.PromptTokens);
        Assert.Equal(ScriptedModel.CompletionTokens - 1, answer.CompletionTokens);
    }

    [Fact]
    public async Task DisableThinkStillAnswersWithoutReasoningInASession()
    {
        var assistant = "a-" + Guid.NewGuid().ToString("N")[..8];
        var created = await gateway.Client().PostAsJsonAsync("/api/v1/assistants", new { name = assistant, model = GatewayFixture.Demo, disableThink = true });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = ChatSessionsTests.NewSessionId();

        var answer = await SessionChat.SendAsync(gateway.Client(), assistant, [("user", "Hi there")], header: id);

        Assert.Equal("", answer.Reasoning);
        Assert.Equal([("Hi there", answer.Content, "")],
            ChatSessionsTests.Turns(await gateway.Client().GetFromJsonAsync<JsonElement>($"/api/v1/sessions/{id}")));
    }

    /// <summary>
    /// A 128-token context keeps a quarter (32 tokens) for the answer: the replay holds the newest turns
    /// that fit in the rest, exactly as many as a client spelling them out could send, and never fails.
    /// </summary>
    [Fact]
    public async Task LongSessionsReplayOnlyTheNewestTurnsThatFit()
    {
        const int context = 128;
        var model = await CreateModelAsync(new JsonObject { ["contextSize"] = context });
        var client = gateway.Client();
        var id = ChatSessionsTests.NewSessionId();
        var prompts = Enumerable.Range(1, 6).Select(i => $"Turn {i}").ToArray();
        SessionChat.Answer last = null!;
        foreach (var prompt in prompts)
        {
            last = await SessionChat.SendAsync(client, model, [("user", prompt)], header: id);
        }

        var fitting = new List<(int Turns, int Tokens)>();
        for (var kept = 0; kept < prompts.Length - 1; kept++)
        {
            var history = prompts[^(kept + 1)..^1].SelectMany(p => new[] { ("user", p), ("assistant", Replayed) });
            var response = await SessionChat.SendIfItFitsAsync(client, model, [.. history, ("user", prompts[^1])]);
            if (response is not null && response.PromptTokens + context / 4 <= context)
            {
                fitting.Add((kept, response.PromptTokens));
            }
        }

        var (turns, tokens) = fitting[^1];
        Assert.InRange(turns, 1, prompts.Length - 2);
        Assert.Equal(tokens, last.PromptTokens);
        Assert.Equal(ScriptedModel.Answer, last.Content);
        Assert.Equal(prompts.Length, ChatSessionsTests.Turns(await client.GetFromJsonAsync<JsonElement>($"/api/v1/sessions/{id}")).Count);
    }

    private static readonly string Replayed = $"<think>\n{ScriptedModel.Reasoning}\n</think>\n\n{ScriptedModel.Answer}";

    private async Task<string> CreateModelAsync(JsonObject settings)
    {
        var name = "m-" + Guid.NewGuid().ToString("N")[..8];
        settings["name"] = name;
        settings["path"] = TestModels.ScriptedPath;
        settings["parallel"] = 1;
        settings["cores"] = 1;
        settings["contextSize"] ??= 1024;
        var response = await gateway.Client().PostAsJsonAsync("/api/v1/models", settings);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return name;
    }
}
