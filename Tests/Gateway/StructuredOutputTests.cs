using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using Verge.Orleans.Grains.ModelFiles;
using ChatResponseFormat = OpenAI.Chat.ChatResponseFormat;

namespace Verge.Orleans.Tests.Gateway;

/// <summary>Structured outputs, log probabilities and several choices, through the OpenAI .NET SDK and Microsoft.Extensions.AI.</summary>
[Collection(GatewayCollection.Name)]
public sealed class StructuredOutputTests(GatewayFixture gateway)
{
    private const string TripSchema =
        """{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer","minimum":1}},"required":["city","days"],"additionalProperties":false}""";

    public sealed record Trip(string City, int Days);

    [Fact]
    public async Task StrictJsonSchemaOutputParsesAndMatchesTheSchema()
    {
        var options = new ChatCompletionOptions
        {
            Temperature = 0,
            ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("trip", BinaryData.FromString(TripSchema), jsonSchemaIsStrict: true),
        };

        ChatCompletion answer = await gateway.Chat().CompleteChatAsync([new UserChatMessage("Plan a trip.")], options);

        var trip = JsonSerializer.Deserialize<Trip>(answer.Content.Single().Text, JsonSerializerOptions.Web)!;
        Assert.Equal(new Trip("Lisbon", 3), trip);
        Assert.Equal(ScriptedModel.Json, answer.Content.Single().Text);
    }

    [Fact]
    public async Task JsonObjectOutputParses()
    {
        var options = new ChatCompletionOptions { Temperature = 0, ResponseFormat = ChatResponseFormat.CreateJsonObjectFormat() };

        ChatCompletion answer = await gateway.Chat().CompleteChatAsync([new UserChatMessage("Answer in JSON.")], options);

        using var json = JsonDocument.Parse(answer.Content.Single().Text);
        Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind);
    }

    [Fact]
    public async Task GetResponseOfTFillsARecord()
    {
        using IChatClient client = gateway.Chat().AsIChatClient();

        var response = await client.GetResponseAsync<Trip>("Plan a trip.", new ChatOptions { Temperature = 0 });

        Assert.Equal(new Trip("Lisbon", 3), response.Result);
    }

    [Fact]
    public async Task LogprobsComeBackWithTopLogprobs()
    {
        var options = new ChatCompletionOptions { Temperature = 0, IncludeLogProbabilities = true, TopLogProbabilityCount = 3 };

        ChatCompletion answer = await gateway.Chat().CompleteChatAsync([new UserChatMessage("Hello")], options);

        Assert.NotEmpty(answer.ContentTokenLogProbabilities);
        Assert.All(answer.ContentTokenLogProbabilities, token =>
        {
            Assert.Equal(3, token.TopLogProbabilities.Count);
            Assert.True(token.LogProbability <= 0);
            Assert.Equal(token.Token, token.TopLogProbabilities[0].Token);
            Assert.Equal(token.TopLogProbabilities.OrderByDescending(t => t.LogProbability).Select(t => t.Token), token.TopLogProbabilities.Select(t => t.Token));
        });
        Assert.EndsWith(ScriptedModel.Answer, string.Concat(answer.ContentTokenLogProbabilities.Select(t => t.Token)));
    }

    [Fact]
    public async Task LogprobsAreNullUnlessAskedFor()
    {
        using var response = await gateway.Client().PostAsync("/v1/chat/completions", Json("""{"model":"verge-demo","temperature":0,"messages":[{"role":"user","content":"Hi"}]}"""));

        var choice = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("choices")[0];
        Assert.Equal(JsonValueKind.Null, choice.GetProperty("logprobs").ValueKind);
    }

    [Fact]
    public async Task TwoChoicesComeFromOneEvaluationOfThePrompt()
    {
        var before = (await gateway.WorkerOf(GatewayFixture.Demo)).PromptTokensEvaluated;

        using var response = await gateway.Client().PostAsync("/v1/chat/completions",
            Json("""{"model":"verge-demo","n":2,"temperature":0,"messages":[{"role":"user","content":"Two answers, one prompt evaluation"}]}"""));

        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var choices = root.GetProperty("choices");
        Assert.Equal(2, choices.GetArrayLength());
        Assert.Equal([0, 1], choices.EnumerateArray().Select(c => c.GetProperty("index").GetInt32()));
        Assert.All(choices.EnumerateArray(), c => Assert.Equal(ScriptedModel.Answer, c.GetProperty("message").GetProperty("content").GetString()));
        var evaluated = root.GetProperty("timings").GetProperty("prompt_n").GetInt32();
        Assert.Equal(before + evaluated, (await gateway.WorkerOf(GatewayFixture.Demo)).PromptTokensEvaluated);
        Assert.Equal(2 * ScriptedModel.CompletionTokens, root.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task TemplateArgumentsTurnThinkingOff()
    {
        using var response = await gateway.Client().PostAsync("/v1/chat/completions",
            Json("""{"model":"verge-demo","temperature":0,"chat_template_kwargs":{"enable_thinking":false},"messages":[{"role":"user","content":"Hi"}]}"""));

        var message = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal(ScriptedModel.Answer, message.GetProperty("content").GetString());
        Assert.False(message.TryGetProperty("reasoning_content", out _));
    }

    [Theory]
    [InlineData("""{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"string","pattern":"a+"}}}""", "response_format.pattern")]
    [InlineData("""{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object","properties":{"a":{"uniqueItems":true}}}}}""", "response_format.properties.a.uniqueItems")]
    public async Task ASchemaKeywordTheGrammarCannotExpressIsA400NamingIt(string format, string param)
    {
        using var response = await gateway.Client().PostAsync("/v1/chat/completions",
            Json($$"""{"model":"verge-demo","messages":[{"role":"user","content":"x"}],"response_format":{{format}}}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal(param, error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task AnInvalidGrammarIsA400()
    {
        using var response = await gateway.Client().PostAsync("/v1/chat/completions",
            Json("""{"model":"verge-demo","messages":[{"role":"user","content":"x"}],"grammar":"root ::= ( unclosed"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("grammar", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("param").GetString());
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
