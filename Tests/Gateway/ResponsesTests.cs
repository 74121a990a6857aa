using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpenAI;
using OpenAI.Responses;
using Verge.Orleans.Grains.ModelFiles;

namespace Verge.Orleans.Tests.Gateway;

/// <summary>The Responses API through the real OpenAI .NET SDK: answers, streams, stored chains, ownership and tools.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ResponsesTests(GatewayFixture gateway)
{
    private static readonly FunctionTool Weather = ResponseTool.CreateFunctionTool(
        ScriptedModel.ToolName,
        BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}"""),
        strictModeEnabled: true,
        functionDescription: "Current weather for a city.");

    [Fact]
    public async Task ACreatedResponseCarriesTheAnswerAndItsReasoning()
    {
        ResponseResult response = await Client().CreateResponseAsync(Options("Hello!"));

        Assert.StartsWith("resp_", response.Id);
        Assert.Equal(ResponseStatus.Completed, response.Status);
        Assert.Equal(GatewayFixture.Demo, response.Model);
        Assert.Equal(ScriptedModel.Answer, response.GetOutputText());
        var reasoning = Assert.IsType<ReasoningResponseItem>(response.OutputItems[0]);
        Assert.Equal(ScriptedModel.Reasoning, reasoning.GetSummaryText());
        var message = Assert.IsAssignableFrom<MessageResponseItem>(Assert.Single(response.OutputItems, i => i is MessageResponseItem));
        Assert.Equal(ScriptedModel.Answer, Assert.Single(message.Content).Text);
        Assert.True(response.Usage.InputTokenCount > 0);
        Assert.True(response.Usage.OutputTokenDetails.ReasoningTokenCount > 0);
        Assert.Equal(response.Usage.InputTokenCount + response.Usage.OutputTokenCount, response.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task AStreamSendsOrderedEventsWhoseDeltasMakeTheSameText()
    {
        var options = Options("Hello!");
        options.StreamingEnabled = true;
        var updates = new List<StreamingResponseUpdate>();
        await foreach (var update in await Client().CreateResponseStreamingAsync(options))
        {
            updates.Add(update);
        }

        Assert.IsType<StreamingResponseCreatedUpdate>(updates[0]);
        Assert.IsType<StreamingResponseInProgressUpdate>(updates[1]);
        Assert.Equal(Enumerable.Range(0, updates.Count), updates.Select(u => u.SequenceNumber));
        var text = string.Concat(updates.OfType<StreamingResponseOutputTextDeltaUpdate>().Select(u => u.Delta));
        Assert.Equal(ScriptedModel.Answer, text);
        Assert.Equal(ScriptedModel.Answer, updates.OfType<StreamingResponseOutputTextDoneUpdate>().Single().Text);
        Assert.Contains(updates, u => u is StreamingResponseReasoningTextDeltaUpdate);
        var completed = Assert.IsType<StreamingResponseCompletedUpdate>(updates[^1]);
        Assert.Equal(ScriptedModel.Answer, completed.Response.GetOutputText());
        Assert.Equal(
            completed.Response.OutputItems.Select(i => i.Id),
            updates.OfType<StreamingResponseOutputItemDoneUpdate>().Select(u => u.Item.Id));
        Assert.Equal(ScriptedModel.Answer, (await Client().GetResponseAsync(completed.Response.Id)).Value.GetOutputText());
    }

    [Fact]
    public async Task EveryStreamedEventHasAnEventAndADataLine()
    {
        using var response = await gateway.Client().PostAsJsonAsync("/v1/responses", new { model = GatewayFixture.Demo, input = "Hello!", stream = true, temperature = 0 });
        var body = await response.Content.ReadAsStringAsync();

        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(events, e =>
        {
            var lines = e.Split('\n');
            Assert.Equal(2, lines.Length);
            Assert.StartsWith("event: ", lines[0]);
            using var data = JsonDocument.Parse(lines[1]["data: ".Length..]);
            Assert.Equal(lines[0]["event: ".Length..], data.RootElement.GetProperty("type").GetString());
        });
        var types = events.Select(e => e.Split('\n')[0]["event: ".Length..]).Where((t, i) => i == 0 || !t.EndsWith(".delta", StringComparison.Ordinal) || t != events[i - 1].Split('\n')[0]["event: ".Length..]);
        Assert.Equal(
            [
                "response.created", "response.in_progress",
                "response.output_item.added", "response.reasoning_text.delta", "response.reasoning_text.done", "response.output_item.done",
                "response.output_item.added", "response.content_part.added", "response.output_text.delta", "response.output_text.done",
                "response.content_part.done", "response.output_item.done",
                "response.completed",
            ],
            types);
    }

    [Fact]
    public async Task TheResponseObjectHasOpenAisFields()
    {
        using var response = await gateway.Client().PostAsJsonAsync("/v1/responses", new { model = GatewayFixture.Demo, input = "Hello!", temperature = 0, metadata = new { run = "wire" } });
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("response", json.GetProperty("object").GetString());
        Assert.Equal("completed", json.GetProperty("status").GetString());
        Assert.True(json.GetProperty("created_at").GetInt64() > 1_700_000_000);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("incomplete_details").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("error").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("previous_response_id").ValueKind);
        Assert.True(json.GetProperty("store").GetBoolean());
        Assert.Equal("wire", json.GetProperty("metadata").GetProperty("run").GetString());
        Assert.Equal(ScriptedModel.Answer, json.GetProperty("output_text").GetString());
        var output = json.GetProperty("output");
        Assert.Equal(["reasoning", "message"], output.EnumerateArray().Select(i => i.GetProperty("type").GetString()));
        Assert.StartsWith("rs_", output[0].GetProperty("id").GetString());
        Assert.Equal("reasoning_text", output[0].GetProperty("content")[0].GetProperty("type").GetString());
        Assert.Equal(ScriptedModel.Reasoning, output[0].GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("assistant", output[1].GetProperty("role").GetString());
        Assert.Equal("output_text", output[1].GetProperty("content")[0].GetProperty("type").GetString());
        Assert.Empty(output[1].GetProperty("content")[0].GetProperty("annotations").EnumerateArray());
        var usage = json.GetProperty("usage");
        Assert.Equal(JsonValueKind.Number, usage.GetProperty("input_tokens_details").GetProperty("cached_tokens").ValueKind);
        Assert.Equal(
            usage.GetProperty("input_tokens").GetInt32() + usage.GetProperty("output_tokens").GetInt32(),
            usage.GetProperty("total_tokens").GetInt32());
        Assert.True(usage.GetProperty("output_tokens_details").GetProperty("reasoning_tokens").GetInt32() > 0);
    }

    [Fact]
    public async Task ContinuingAResponseGrowsThePromptAndReusesItsCache()
    {
        // Templates drop earlier turns' reasoning, so what a chain shares with the slot's KV is its
        // opening: long instructions make that opening most of the prompt, as a real system prompt does.
        var instructions = "You are the Verge test assistant. " + string.Concat(Enumerable.Repeat("Answer briefly. ", 40));
        var client = Client();
        var opening = Options("Hello!");
        opening.Instructions = instructions;
        ResponseResult first = await client.CreateResponseAsync(opening);
        var next = Options("And again?");
        next.Instructions = instructions;
        next.PreviousResponseId = first.Id;

        ResponseResult second = await client.CreateResponseAsync(next);

        Assert.Equal(first.Id, second.PreviousResponseId);
        Assert.Equal(ScriptedModel.Answer, second.GetOutputText());
        Assert.True(second.Usage.InputTokenCount > first.Usage.InputTokenCount + 10,
            $"the chain's prompt ({second.Usage.InputTokenCount}) holds the first prompt ({first.Usage.InputTokenCount}) and its answer");
        Assert.True(second.Usage.InputTokenDetails.CachedTokenCount >= first.Usage.InputTokenCount,
            $"the first prompt's KV is reused ({second.Usage.InputTokenDetails.CachedTokenCount} cached of {first.Usage.InputTokenCount})");
    }

    [Fact]
    public async Task AStoredResponseReadsBackUntilDeleted()
    {
        var client = Client();
        ResponseResult created = await client.CreateResponseAsync(Options("Hello!"));

        ResponseResult read = await client.GetResponseAsync(created.Id);
        Assert.Equal(created.Id, read.Id);
        Assert.Equal(ScriptedModel.Answer, read.GetOutputText());
        Assert.Equal(created.Usage.TotalTokenCount, read.Usage.TotalTokenCount);

        ResponseDeletionResult deleted = await client.DeleteResponseAsync(created.Id);
        Assert.True(deleted.Deleted);
        Assert.Equal(created.Id, deleted.ResponseId);
        await AssertNotFound(() => client.GetResponseAsync(created.Id));
        await AssertNotFound(() => client.DeleteResponseAsync(created.Id));
        var next = Options("More?");
        next.PreviousResponseId = created.Id;
        await AssertNotFound(() => client.CreateResponseAsync(next));
    }

    [Fact]
    public async Task AnotherUserCannotReadContinueOrDeleteAResponse()
    {
        ResponseResult mine = await Client().CreateResponseAsync(Options("Hello!"));
        var theirs = Client(await CreateUserKeyAsync());

        await AssertNotFound(() => theirs.GetResponseAsync(mine.Id));
        var next = Options("And again?");
        next.PreviousResponseId = mine.Id;
        await AssertNotFound(() => theirs.CreateResponseAsync(next));
        await AssertNotFound(() => theirs.DeleteResponseAsync(mine.Id));

        Assert.Equal(ScriptedModel.Answer, (await Client().GetResponseAsync(mine.Id)).Value.GetOutputText());
    }

    [Fact]
    public async Task AForcedFunctionCallAndItsOutputYieldAMessage()
    {
        var client = Client();
        var options = Options("Weather in Paris?");
        options.Tools.Add(Weather);
        options.ToolChoice = ResponseToolChoice.CreateFunctionChoice(ScriptedModel.ToolName);

        ResponseResult called = await client.CreateResponseAsync(options);

        var call = Assert.Single(called.OutputItems.OfType<FunctionCallResponseItem>());
        Assert.Equal(ScriptedModel.ToolName, call.FunctionName);
        Assert.StartsWith("call_", call.CallId);
        using (var arguments = JsonDocument.Parse(call.FunctionArguments.ToString()))
        {
            Assert.Equal("Paris", arguments.RootElement.GetProperty("city").GetString());
        }

        Assert.DoesNotContain(called.OutputItems, i => i is MessageResponseItem);
        var answer = new CreateResponseOptions(GatewayFixture.Demo, [ResponseItem.CreateFunctionCallOutputItem(call.CallId, """{"temperature": 18}""")])
        {
            Temperature = 0,
            PreviousResponseId = called.Id,
            Tools = { Weather },
        };

        ResponseResult result = await client.CreateResponseAsync(answer);

        Assert.Empty(result.OutputItems.OfType<FunctionCallResponseItem>());
        Assert.Equal(ScriptedModel.Answer, result.GetOutputText());
    }

    [Fact]
    public async Task AStatelessLoopSendsTheOutputItemsBack()
    {
        var client = Client();
        var options = Options("Weather in Paris?");
        options.StoredOutputEnabled = false;
        options.Tools.Add(Weather);
        options.ToolChoice = ResponseToolChoice.CreateFunctionChoice(ScriptedModel.ToolName);
        ResponseResult called = await client.CreateResponseAsync(options);
        var call = Assert.Single(called.OutputItems.OfType<FunctionCallResponseItem>());
        Assert.IsType<ReasoningResponseItem>(called.OutputItems[0]);

        var next = new CreateResponseOptions(GatewayFixture.Demo, [
            ResponseItem.CreateUserMessageItem("Weather in Paris?"),
            .. called.OutputItems,
            ResponseItem.CreateFunctionCallOutputItem(call.CallId, """{"temperature": 18}"""),
        ]) { Temperature = 0, StoredOutputEnabled = false, Tools = { Weather } };
        ResponseResult answered = await client.CreateResponseAsync(next);

        Assert.Equal(ScriptedModel.Answer, answered.GetOutputText());
        Assert.True(answered.Usage.InputTokenCount > called.Usage.InputTokenCount + called.Usage.OutputTokenCount - called.Usage.OutputTokenDetails.ReasoningTokenCount,
            "the call sent back is in the prompt");
    }

    [Fact]
    public async Task AStreamedFunctionCallAssemblesToTheSameArguments()
    {
        var options = Options("Weather in Paris?");
        options.Tools.Add(Weather);
        options.ToolChoice = ResponseToolChoice.CreateFunctionChoice(ScriptedModel.ToolName);
        options.StreamingEnabled = true;
        var updates = new List<StreamingResponseUpdate>();
        await foreach (var update in await Client().CreateResponseStreamingAsync(options))
        {
            updates.Add(update);
        }

        var deltas = string.Concat(updates.OfType<StreamingResponseFunctionCallArgumentsDeltaUpdate>().Select(u => u.Delta.ToString()));
        var done = Assert.Single(updates.OfType<StreamingResponseFunctionCallArgumentsDoneUpdate>());
        Assert.Equal(done.FunctionArguments.ToString(), deltas);
        var completed = Assert.IsType<StreamingResponseCompletedUpdate>(updates[^1]);
        Assert.Equal(deltas, Assert.Single(completed.Response.OutputItems.OfType<FunctionCallResponseItem>()).FunctionArguments.ToString());
    }

    [Fact]
    public async Task AJsonSchemaFormatConstrainsTheText()
    {
        var options = Options("Plan a trip.");
        options.TextOptions = new ResponseTextOptions
        {
            TextFormat = ResponseTextFormat.CreateJsonSchemaFormat("trip", BinaryData.FromString(
                """{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"}},"required":["city","days"],"additionalProperties":false}"""), jsonSchemaIsStrict: true),
        };

        ResponseResult response = await Client().CreateResponseAsync(options);

        Assert.Equal(ScriptedModel.Json, response.GetOutputText());
    }

    [Fact]
    public async Task AResponseNotStoredCannotBeRead()
    {
        var options = Options("Hello!");
        options.StoredOutputEnabled = false;

        ResponseResult response = await Client().CreateResponseAsync(options);

        Assert.Equal(ScriptedModel.Answer, response.GetOutputText());
        await AssertNotFound(() => Client().GetResponseAsync(response.Id));
    }

    [Fact]
    public async Task TheTokenLimitMakesAnIncompleteResponse()
    {
        var options = Options("Hello!");
        options.MaxOutputTokenCount = 3;

        ResponseResult response = await Client().CreateResponseAsync(options);

        Assert.Equal(ResponseStatus.Incomplete, response.Status);
        Assert.Equal(ResponseIncompleteStatusReason.MaxOutputTokens, response.IncompleteStatusDetails.Reason);
        Assert.Equal(3, response.Usage.OutputTokenCount);
    }

    [Theory]
    [InlineData("""{"model":"verge-demo"}""", "input")]
    [InlineData("""{"model":"verge-demo","input":[{"type":"function_call_output","call_id":"call_x","output":"1"}]}""", "input[0].call_id")]
    [InlineData("""{"model":"verge-demo","input":[{"role":"user","content":[{"type":"input_image","image_url":"x"}]}]}""", "input[0].content[0].type")]
    [InlineData("""{"model":"verge-demo","input":"Hi","tools":[{"type":"web_search"}]}""", "tools[0].type")]
    [InlineData("""{"model":"verge-demo","input":"Hi","text":{"format":{"type":"json_schema","name":"x","schema":3}}}""", "text.format.schema")]
    [InlineData("""{"model":"verge-demo","input":"Hi","temperature":"hot"}""", "temperature")]
    public async Task AnInvalidRequestNamesTheParameter(string body, string param)
    {
        using var response = await gateway.Client().PostAsync("/v1/responses", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task AHiddenAssistantIsNotFound()
    {
        var user = "user-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(HttpStatusCode.Created, (await gateway.Client().PostAsJsonAsync("/api/v1/users", new { name = user, type = "Api" })).StatusCode);
        var key = await CreateKeyAsync(user, [GatewayFixture.Solo]);
        ResponseResult stored = await Client(await CreateKeyAsync(user, null)).CreateResponseAsync(Options("Hello!"));

        var error = await Assert.ThrowsAsync<ClientResultException>(() => Client(key).CreateResponseAsync(Options("Hello!")));

        Assert.Equal(404, error.Status);
        Assert.Contains("model_not_found", error.Message);
        await AssertNotFound(() => Client(key).GetResponseAsync(stored.Id));
    }

    private static CreateResponseOptions Options(string input) =>
        new(GatewayFixture.Demo, [ResponseItem.CreateUserMessageItem(input)]) { Temperature = 0 };

    private ResponsesClient Client(string key = GatewayFixture.AdminKey) =>
        new OpenAIClient(new ApiKeyCredential(key), new OpenAIClientOptions
        {
            Endpoint = new Uri(gateway.Server.BaseAddress, "/v1"),
            Transport = new HttpClientPipelineTransport(gateway.CreateClient()),
            NetworkTimeout = TimeSpan.FromSeconds(60),
        }).GetResponsesClient();

    private static async Task AssertNotFound(Func<Task> call) =>
        Assert.Equal(404, (await Assert.ThrowsAsync<ClientResultException>(call)).Status);

    private async Task<string> CreateUserKeyAsync()
    {
        var user = "user-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(HttpStatusCode.Created, (await gateway.Client().PostAsJsonAsync("/api/v1/users", new { name = user, type = "Api" })).StatusCode);
        return await CreateKeyAsync(user, null);
    }

    private async Task<string> CreateKeyAsync(string user, string[]? allowedAssistants)
    {
        var response = await gateway.Client().PostAsJsonAsync($"/api/v1/users/{user}/keys", new { name = "responses", allowedAssistants });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }
}
