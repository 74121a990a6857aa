using System.Net;
using System.Text;
using System.Text.Json;
using Verge.Orleans.Grains.ModelFiles;

namespace Verge.Orleans.Tests.Gateway;

/// <summary>The exact bytes and statuses clients see, checked without an SDK in between.</summary>
[Collection(GatewayCollection.Name)]
public sealed class WireFormatTests(GatewayFixture gateway)
{
    private const string Hello = """[{"role":"user","content":"Hello there"}]""";

    [Fact]
    public async Task StreamStartsWithRoleSharesOneIdAndEndsWithUsageThenDone()
    {
        var events = await StreamAsync($$"""{"model":"verge-demo","stream":true,"stream_options":{"include_usage":true},"temperature":0,"messages":{{Hello}}}""");

        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e).RootElement).ToList();
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.All(chunks.Skip(1).SkipLast(1), c => Assert.False(c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("role", out _)));
        var deltas = chunks.SkipLast(1).Select(c => c.GetProperty("choices")[0].GetProperty("delta")).ToList();
        Assert.Equal(ScriptedModel.Reasoning, string.Concat(deltas.Select(d => Text(d, "reasoning_content"))));
        Assert.Equal(ScriptedModel.Answer, string.Concat(deltas.Select(d => Text(d, "content"))));
        Assert.Single(chunks, c => c.GetProperty("choices").GetArrayLength() == 1
            && c.GetProperty("choices")[0].GetProperty("finish_reason").ValueKind == JsonValueKind.String);
        var usage = chunks[^1];
        Assert.Equal(0, usage.GetProperty("choices").GetArrayLength());
        Assert.Equal(ScriptedModel.CompletionTokens, usage.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(ScriptedModel.CompletionTokens, usage.GetProperty("timings").GetProperty("predicted_n").GetInt32());
    }

    [Fact]
    public async Task StreamWithoutIncludeUsageCarriesNoUsage()
    {
        var events = await StreamAsync($$"""{"model":"verge-demo","stream":true,"messages":{{Hello}}}""");

        Assert.Equal("[DONE]", events[^1]);
        Assert.All(events[..^1], e => Assert.False(JsonDocument.Parse(e).RootElement.TryGetProperty("usage", out _)));
    }

    [Theory]
    [InlineData("{bad json", null, "invalid_json")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}]}""", "model", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo"}""", "messages", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo","messages":null}""", "messages", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo","messages":"hello"}""", "messages", "invalid_type")]
    [InlineData("""{"model":"verge-demo","messages":[]}""", "messages", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo","messages":[123]}""", "messages[0]", "invalid_type")]
    [InlineData("""{"model":"verge-demo","messages":[{}]}""", "messages[0].role", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo","messages":[{"role":5,"content":"x"}]}""", "messages[0].role", "invalid_type")]
    [InlineData("""{"model":"verge-demo","messages":[{"role":"user","content":"x"}],"n":9}""", "n", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo","messages":[{"role":"user","name":5,"content":"x"}]}""", "messages[0].name", "invalid_type")]
    [InlineData("""{"model":"verge-demo","messages":[{"role":"assistant","content":"x","tool_calls":"call"}]}""", "messages[0].tool_calls", "invalid_type")]
    [InlineData("""{"model":"verge-demo","messages":[{"role":"user","content":"x"}],"user":{"id":1}}""", "user", "invalid_type")]
    [InlineData("""{"model":"verge-demo","messages":[{"role":"user","content":"x"}],"temperature":"0.5"}""", "temperature", "invalid_type")]
    [InlineData("""{"model":"verge-demo","messages":[{"role":"user","content":"x"}],"top_logprobs":21,"logprobs":true}""", "top_logprobs", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo","messages":[{"role":"user","content":"x"}],"top_logprobs":2}""", "top_logprobs", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"x"}}]}]}""", "messages[0].content[0].type", "unsupported_parameter")]
    [InlineData("""{"model":"verge-demo","messages":[{"role":"tool","tool_call_id":"call_9","content":"18"}]}""", "messages[0].tool_call_id", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":{"type":"function","function":{"name":"g"}}}""", "tool_choice.function.name", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","parameters":"x"}}]}""", "tools[0].function.parameters", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f"}},{"type":"function","function":{"name":"f"}}]}""", "tools[1].function.name", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo","messages":[{"role":"user","content":"x"}],"tool_choice":"required"}""", "tool_choice", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema"}}""", "response_format.json_schema", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo","messages":[{"role":"user","content":"x"}],"logit_bias":{"abc":5}}""", "logit_bias.abc", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo","messages":[{"role":"user","content":"x"}],"logit_bias":{"5":101}}""", "logit_bias.5", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo","messages":[{"role":"user","content":"x"}],"stream_options":{"include_usage":true}}""", "stream_options", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo","messages":[{"role":"user","content":"x"}],"temperature":3}""", "temperature", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo","messages":[{"role":"user","content":"x"}],"max_tokens":0}""", "max_tokens", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo","messages":[{"role":"user","content":"x"}],"stop":[1]}""", "stop", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function"}]}""", "tools[0].function", "invalid_request_error")]
    public async Task BadRequestsAnswer400NamingTheParameter(string body, string? param, string code)
    {
        var (status, error) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UnknownAssistantAnswers404ModelNotFound(bool stream)
    {
        var (status, error) = await PostAsync($$"""{"model":"Verge-Demo","stream":{{(stream ? "true" : "false")}},"messages":{{Hello}}}""");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PromptLongerThanTheContextAnswers400BeforeAnyToken(bool stream)
    {
        var longText = string.Join(' ', Enumerable.Repeat("hello", 3000));
        var body = JsonSerializer.Serialize(new { model = "verge-demo", stream, messages = new[] { new { role = "user", content = longText } } });

        var (status, error) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());
        Assert.Contains("2048", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task UnknownFieldsAreAccepted()
    {
        using var response = await gateway.Client().PostAsync("/v1/chat/completions",
            Json($$"""{"model":"verge-demo","messages":{{Hello}},"user":"me","some_vendor_field":{"x":1} }"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AStreamedToolCallComesAsAnIdAndNameChunkThenArgumentFragmentsWithReasoningAndContentApart()
    {
        var events = await StreamAsync($$$$"""{"model":"verge-demo","stream":true,"temperature":0,"messages":{{{{Hello}}}},"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],"tool_choice":"required"}""");

        var deltas = events[..^1].Select(e => JsonDocument.Parse(e).RootElement.GetProperty("choices")[0].GetProperty("delta")).ToList();
        Assert.All(deltas, d => Assert.True(d.EnumerateObject().Count(p => p.Name is "content" or "reasoning_content" or "tool_calls" && p.Value.ValueKind != JsonValueKind.Null && p.Value.ToString() != "") <= 1));
        var calls = deltas.Where(d => d.TryGetProperty("tool_calls", out _)).Select(d => d.GetProperty("tool_calls").EnumerateArray().Single()).ToList();
        Assert.Equal("function", calls[0].GetProperty("type").GetString());
        Assert.Equal("get_weather", calls[0].GetProperty("function").GetProperty("name").GetString());
        Assert.StartsWith("call_", calls[0].GetProperty("id").GetString());
        Assert.Equal("", calls[0].GetProperty("function").GetProperty("arguments").GetString());
        Assert.True(calls.Count > 2, "the arguments came in one piece, not as they were generated");
        Assert.All(calls.Skip(1), c => Assert.False(c.TryGetProperty("id", out _)));
        Assert.Equal(ScriptedModel.ToolArguments, string.Concat(calls.Skip(1).Select(c => c.GetProperty("function").GetProperty("arguments").GetString())));
        Assert.Equal("tool_calls", JsonDocument.Parse(events[^2]).RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task StreamedLogprobsRideWithTheirTextAndEveryChoiceStreamsUnderItsIndex()
    {
        var events = await StreamAsync($$"""{"model":"verge-demo","stream":true,"temperature":0,"n":2,"logprobs":true,"top_logprobs":2,"messages":{{Hello}}}""");

        var choices = events[..^1].Select(e => JsonDocument.Parse(e).RootElement.GetProperty("choices")[0]).ToList();
        foreach (var index in new[] { 0, 1 })
        {
            var mine = choices.Where(c => c.GetProperty("index").GetInt32() == index).ToList();
            Assert.Equal("assistant", mine[0].GetProperty("delta").GetProperty("role").GetString());
            Assert.Equal(ScriptedModel.Answer, string.Concat(mine.Select(c => Text(c.GetProperty("delta"), "content"))));
            Assert.Single(mine, c => c.GetProperty("finish_reason").ValueKind == JsonValueKind.String);
            var tokens = mine.Where(c => c.GetProperty("logprobs").ValueKind == JsonValueKind.Object)
                .SelectMany(c => c.GetProperty("logprobs").GetProperty("content").EnumerateArray()).ToList();
            Assert.EndsWith(ScriptedModel.Answer, string.Concat(tokens.Select(t => t.GetProperty("token").GetString())));
            Assert.All(tokens, t => Assert.Equal(2, t.GetProperty("top_logprobs").GetArrayLength()));
        }
    }

    [Theory]
    [InlineData(new byte[] { 0x7B, 0x22, 0x6D, 0x6F, 0x64, 0x65, 0x6C, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D })]
    [InlineData(new byte[] { 0x7B, 0x22, 0x6D, 0x6F, 0x64, 0x65, 0x6C, 0x22, 0x3A, 0x22, 0x5C, 0x75, 0x64, 0x38, 0x30, 0x30, 0x22, 0x7D })]
    [InlineData(new byte[0])]
    public async Task BodiesThatAreNotUtf8JsonAre400s(byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        using var response = await gateway.Client().PostAsync("/v1/chat/completions", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_json", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task UsageCountsReasoningTokens()
    {
        using var response = await gateway.Client().PostAsync("/v1/chat/completions", Json($$"""{"model":"verge-demo","temperature":0,"messages":{{Hello}}}"""));

        var usage = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("usage");
        Assert.Equal(8, usage.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());
    }

    private static string Text(JsonElement delta, string name) =>
        delta.TryGetProperty(name, out var value) ? value.GetString() ?? "" : "";

    private async Task<List<string>> StreamAsync(string body)
    {
        using var response = await gateway.Client().PostAsync("/v1/chat/completions", Json(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        return text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.StartsWith("data: ", StringComparison.Ordinal) ? e["data: ".Length..] : throw new Xunit.Sdk.XunitException($"not an SSE data line: {e}"))
            .ToList();
    }

    private async Task<(HttpStatusCode Status, JsonElement Error)> PostAsync(string body)
    {
        using var response = await gateway.Client().PostAsync("/v1/chat/completions", Json(body));
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (response.StatusCode, json.GetProperty("error").Clone());
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
