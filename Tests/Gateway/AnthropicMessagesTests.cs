using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Anthropic.Models.Messages;
using Json.Schema;
using Verge.Orleans.Grains.ModelFiles;

namespace Verge.Orleans.Tests.Gateway;

/// <summary>Anthropic's Messages API through the official Anthropic .NET SDK (and raw HTTP for the wire details).</summary>
[Collection(GatewayCollection.Name)]
public sealed class AnthropicMessagesTests(GatewayFixture gateway)
{
    private const string WeatherSchema = """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}""";

    private static readonly Tool Weather = new()
    {
        Name = ScriptedModel.ToolName,
        Description = "Current weather for a city.",
        InputSchema = new InputSchema(JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(WeatherSchema)!),
    };

    [Fact]
    public async Task AMessageCarriesTheDemoThoughtAndAnswerAndEndsTheTurn()
    {
        var message = await gateway.Anthropic().Messages.Create(Greedy([new UserMessageParam("Hello!")]));

        Assert.StartsWith("msg_", message.ID);
        Assert.Equal(GatewayFixture.Demo, message.Model.Raw());
        Assert.Equal("end_turn", message.StopReason!.Raw());
        Assert.Null(message.StopSequence);
        Assert.Collection(message.Content,
            block =>
            {
                Assert.True(block.TryPickThinking(out var thinking));
                Assert.Equal(ScriptedModel.Reasoning, thinking!.Thinking);
                Assert.NotEmpty(thinking.Signature);
            },
            block =>
            {
                Assert.True(block.TryPickText(out var text));
                Assert.Equal(ScriptedModel.Answer, text!.Text);
            });
        Assert.Equal(ScriptedModel.CompletionTokens, message.Usage.OutputTokens);
        Assert.True(message.Usage.InputTokens + message.Usage.CacheReadInputTokens > 0);
    }

    [Fact]
    public async Task AStreamedMessageSendsAnthropicsEventsInOrderAndTheSameText()
    {
        var (sequence, text, thinking) = (new List<string>(), new StringBuilder(), new StringBuilder());
        RawMessageDeltaEvent? end = null;

        await foreach (var update in gateway.Anthropic().Messages.CreateStreaming(Greedy([new UserMessageParam("Hello!")])))
        {
            var step = update.Type.Raw();
            if (update.TryPickContentBlockStart(out var start))
            {
                step = $"start {start!.Index} {start.ContentBlock.Type.Raw()}";
            }
            else if (update.TryPickContentBlockDelta(out var delta))
            {
                step = $"delta {delta!.Index} {delta.Delta.Json.GetProperty("type").GetString()}";
                text.Append(delta.Delta.TryPickText(out var piece) ? piece!.Text : "");
                thinking.Append(delta.Delta.TryPickThinking(out var thought) ? thought!.Thinking : "");
            }
            else if (update.TryPickContentBlockStop(out var stop))
            {
                step = $"stop {stop!.Index}";
            }
            else if (update.TryPickDelta(out var messageDelta))
            {
                end = messageDelta;
            }

            if (sequence.LastOrDefault() != step)
            {
                sequence.Add(step);
            }
        }

        Assert.Equal(
            ["message_start", "start 0 thinking", "delta 0 thinking_delta", "delta 0 signature_delta", "stop 0",
             "start 1 text", "delta 1 text_delta", "stop 1", "message_delta", "message_stop"],
            sequence);
        Assert.Equal(ScriptedModel.Answer, text.ToString());
        Assert.Equal(ScriptedModel.Reasoning, thinking.ToString());
        Assert.Equal("end_turn", end!.Delta.StopReason!.Raw());
        Assert.Equal(ScriptedModel.CompletionTokens, end.Usage.OutputTokens);
    }

    [Fact]
    public async Task EachStreamedFrameNamesItsEventAndDataOfThatType()
    {
        var response = await gateway.Client().PostAsync("/v1/messages", Json(
            """{"model":"verge-demo","max_tokens":100,"temperature":0,"stream":true,"messages":[{"role":"user","content":"Hello!"}]}"""));
        var frames = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        foreach (var frame in frames)
        {
            var lines = frame.Split('\n');
            Assert.Equal(2, lines.Length);
            Assert.StartsWith("event: ", lines[0]);
            Assert.StartsWith("data: ", lines[1]);
            Assert.Equal(lines[0]["event: ".Length..], JsonDocument.Parse(lines[1]["data: ".Length..]).RootElement.GetProperty("type").GetString());
        }

        Assert.StartsWith("event: message_start", frames[0]);
        Assert.StartsWith("event: message_stop", frames[^1]);
    }

    [Fact]
    public async Task AForcedToolUseMatchesItsSchemaAndItsResultYieldsAnAnswer()
    {
        var client = gateway.Anthropic();
        MessageParam question = new UserMessageParam("Weather in Paris?");
        var forced = Greedy([question], tools: [Weather]);
        forced = new MessageCreateParams(forced) { ToolChoice = new ToolChoiceTool(ScriptedModel.ToolName) };

        var call = await client.Messages.Create(forced);

        Assert.Equal("tool_use", call.StopReason!.Raw());
        var thought = call.Content.Select(b => b.TryPickThinking(out var t) ? t : null).OfType<ThinkingBlock>().Single();
        var use = call.Content.Select(b => b.TryPickToolUse(out var u) ? u : null).OfType<ToolUseBlock>().Single();
        Assert.Equal(ScriptedModel.ToolName, use.Name);
        Assert.NotEmpty(use.ID);
        var input = JsonSerializer.SerializeToNode(use.Input);
        Assert.True(JsonSchema.FromText(WeatherSchema).Evaluate(input).IsValid, input?.ToJsonString());
        Assert.Equal("Paris", input!["city"]!.GetValue<string>());

        var answer = await client.Messages.Create(Greedy(
        [
            question,
            new AssistantMessageParam(new List<ContentBlockParam>
            {
                new ThinkingBlockParam { Thinking = thought.Thinking, Signature = thought.Signature },
                new ToolUseBlockParam { ID = use.ID, Name = use.Name, Input = use.Input },
            }),
            new UserMessageParam(new List<ContentBlockParam> { new ToolResultBlockParam(use.ID) { Content = """{"temperature": 18}""" } }),
        ], tools: [Weather]));

        Assert.Equal("end_turn", answer.StopReason!.Raw());
        Assert.Equal(ScriptedModel.Answer, answer.Content.Select(b => b.TryPickText(out var t) ? t!.Text : null).OfType<string>().Single());
    }

    [Fact]
    public async Task AStreamedToolUseAssemblesToTheSameInput()
    {
        var forced = new MessageCreateParams(Greedy([new UserMessageParam("Weather in Paris?")], tools: [Weather])) { ToolChoice = new ToolChoiceTool(ScriptedModel.ToolName) };
        var (json, starts) = (new StringBuilder(), new List<string>());

        await foreach (var update in gateway.Anthropic().Messages.CreateStreaming(forced))
        {
            if (update.TryPickContentBlockStart(out var start) && start!.ContentBlock.Type.Raw() == "tool_use")
            {
                starts.Add(start.ContentBlock.Json.GetProperty("name").GetString()!);
            }
            else if (update.TryPickContentBlockDelta(out var delta) && delta!.Delta.TryPickInputJson(out var piece))
            {
                json.Append(piece!.PartialJson);
            }
        }

        Assert.Equal([ScriptedModel.ToolName], starts);
        Assert.Equal("Paris", JsonNode.Parse(json.ToString())!["city"]!.GetValue<string>());
    }

    [Fact]
    public async Task CountTokensEqualsTheInputTokensOfTheRealCall()
    {
        var client = gateway.Anthropic();
        // A prompt no earlier request shares, so no worker's prompt cache serves any of it.
        var system = $"{Guid.NewGuid():N} You answer briefly.";
        MessageParam[] messages = [new UserMessageParam($"What happened on {Guid.NewGuid():N}?")];

        var counted = await client.Messages.CountTokens(new MessageCountTokensParams
        {
            Model = GatewayFixture.Demo,
            System = system,
            Messages = messages,
            Tools = [Weather],
        });
        var message = await client.Messages.Create(new MessageCreateParams(Greedy(messages, tools: [Weather])) { System = system });

        Assert.Equal(0, message.Usage.CacheReadInputTokens);
        Assert.Equal(counted.InputTokens, message.Usage.InputTokens);
    }

    [Fact]
    public async Task AStopSequenceEndsTheAnswerAndIsNamed()
    {
        var request = new MessageCreateParams(Greedy([new UserMessageParam("Hello!")])) { StopSequences = ["demo"] };

        var message = await gateway.Anthropic().Messages.Create(request);

        Assert.Equal("stop_sequence", message.StopReason!.Raw());
        Assert.Equal("demo", message.StopSequence);
        Assert.Equal("Hello! I am the Verge ", message.Content.Select(b => b.TryPickText(out var t) ? t!.Text : null).OfType<string>().Single());
    }

    [Fact]
    public async Task MaxTokensEndsTheAnswerWithMaxTokens()
    {
        var message = await gateway.Anthropic().Messages.Create(new MessageCreateParams(Greedy([new UserMessageParam("Hello!")])) { MaxTokens = 3 });

        Assert.Equal("max_tokens", message.StopReason!.Raw());
        Assert.Equal(3, message.Usage.OutputTokens);
    }

    [Fact]
    public async Task DisabledThinkingAnswersWithoutAThinkingBlock()
    {
        var message = await gateway.Anthropic().Messages.Create(new MessageCreateParams(Greedy([new UserMessageParam("Hello!")])) { Thinking = new ThinkingConfigDisabled() });

        var block = Assert.Single(message.Content);
        Assert.True(block.TryPickText(out var text));
        Assert.Equal(ScriptedModel.Answer, text!.Text);
    }

    [Fact]
    public async Task TheKeyIsAcceptedAsXApiKeyOnEveryV1Route()
    {
        var client = gateway.Client(key: null);
        client.DefaultRequestHeaders.Add("x-api-key", GatewayFixture.AdminKey);

        var message = await client.PostAsync("/v1/messages", Json("""{"model":"verge-demo","max_tokens":100,"messages":[{"role":"user","content":"Hi"}]}"""));
        var models = await client.GetAsync("/v1/models");

        Assert.Equal(HttpStatusCode.OK, message.StatusCode);
        Assert.Equal("message", (await message.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-key")]
    [InlineData("vk_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task ABadKeyIs401InAnthropicsShapeWithLoginRequired(string? key)
    {
        var client = gateway.Client(key: null);
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("x-api-key", key);
        }

        var response = await client.PostAsync("/v1/messages", Json("""{"model":"verge-demo","max_tokens":10,"messages":[{"role":"user","content":"Hi"}]}"""));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("error", body.GetProperty("type").GetString());
        Assert.Equal("authentication_error", body.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("Login required", body.GetProperty("err").GetString());
    }

    [Theory]
    [InlineData("""{"model":"verge-demo","messages":[{"role":"user","content":"Hi"}]}""", "max_tokens: Field required")]
    [InlineData("""{"model":"verge-demo","max_tokens":"many","messages":[{"role":"user","content":"Hi"}]}""", "'max_tokens'")]
    [InlineData("""{"model":"verge-demo","max_tokens":10,"temperature":1.5,"messages":[{"role":"user","content":"Hi"}]}""", "temperature:")]
    [InlineData("""{"model":"verge-demo","max_tokens":10,"messages":[{"role":"user","content":[{"type":"image","source":{}}]}]}""", "messages.0.content.0.type:")]
    [InlineData("""{"model":"verge-demo","max_tokens":10,"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Yes?"},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"18"}]}]}""", "messages.2.content.0.tool_use_id:")]
    [InlineData("""{"model":"verge-demo","max_tokens":10,"tool_choice":{"type":"any"},"messages":[{"role":"user","content":"Hi"}]}""", "tool_choice:")]
    [InlineData("""{"model":"verge-demo","max_tokens":2000,"thinking":{"type":"enabled","budget_tokens":10},"messages":[{"role":"user","content":"Hi"}]}""", "thinking.budget_tokens:")]
    [InlineData("""{"model":"verge-demo","max_tokens":10,"messages":[{"role":"system","content":"Hi"}]}""", "messages.0.role:")]
    public async Task InvalidRequestsAre400InvalidRequestErrorsNamingTheField(string body, string expected)
    {
        var response = await gateway.Client().PostAsync("/v1/messages", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Contains(expected, error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task AnUnknownOrHiddenAssistantIs404NotFoundError()
    {
        var user = "user-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(HttpStatusCode.Created, (await gateway.Client().PostAsJsonAsync("/api/v1/users", new { name = user, type = "Api" })).StatusCode);
        var created = await gateway.Client().PostAsJsonAsync($"/api/v1/users/{user}/keys", new { name = "solo-only", allowedAssistants = new[] { GatewayFixture.Solo } });
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;

        foreach (var (client, model) in new[] { (gateway.Client(), "no-such-assistant"), (gateway.Client(key), GatewayFixture.Demo) })
        {
            var response = await client.PostAsync("/v1/messages", Json($$"""{"model":"{{model}}","max_tokens":10,"messages":[{"role":"user","content":"Hi"}]}"""));
            var counting = await client.PostAsync("/v1/messages/count_tokens", Json($$"""{"model":"{{model}}","messages":[{"role":"user","content":"Hi"}]}"""));

            foreach (var answer in new[] { response, counting })
            {
                Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
                Assert.Equal("not_found_error", (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("type").GetString());
            }
        }
    }

    /// <summary>A request decoded greedily (this SDK version has no temperature property, so it goes in the raw body).</summary>
    private static MessageCreateParams Greedy(IReadOnlyList<MessageParam> messages, IReadOnlyList<ToolUnion>? tools = null) =>
        new(new Dictionary<string, JsonElement>(), new Dictionary<string, JsonElement>(),
            new Dictionary<string, JsonElement> { ["temperature"] = JsonSerializer.SerializeToElement(0) })
        {
            Model = GatewayFixture.Demo,
            MaxTokens = 200,
            Messages = messages,
            Tools = tools ?? [],
        };

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
