using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Verge.Orleans.Grains.Inference;
using Verge.Orleans.Grains.ModelFiles;

namespace Verge.Orleans.Tests.Gateway;

/// <summary><c>GET /v1/models/{id}</c> through the OpenAI SDK, and the legacy <c>/v1/completions</c> on the wire.</summary>
[Collection(GatewayCollection.Name)]
public sealed class CompletionsTests(GatewayFixture gateway)
{
    // A raw ChatML prompt: its control tokens are parsed, and the model's whole chain (thought included) is the text.
    private const string ChatPrompt = "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n";
    private const string ChatText = "<think>" + ScriptedModel.Reasoning + "</think>\n\n" + ScriptedModel.Answer;

    // Ends with the blank line after which the scripted model greets.
    private const string HiPrompt = "Say hi:\n\n";

    [Fact]
    public async Task GetModelReturnsTheAssistantAsAModelObject()
    {
        var model = await gateway.OpenAi().GetOpenAIModelClient().GetModelAsync(GatewayFixture.Demo);
        var raw = await gateway.Client().GetFromJsonAsync<JsonElement>($"/v1/models/{GatewayFixture.Demo}");

        Assert.Equal((GatewayFixture.Demo, "verge"), (model.Value.Id, model.Value.OwnedBy));
        Assert.Equal("model", raw.GetProperty("object").GetString());
        Assert.True(raw.GetProperty("created").GetInt64() > 0);
    }

    [Fact]
    public async Task GetModelOfAnUnknownAssistantIs404ModelNotFound()
    {
        var thrown = await Assert.ThrowsAsync<ClientResultException>(() => gateway.OpenAi().GetOpenAIModelClient().GetModelAsync("no-such-assistant"));
        var response = await gateway.Client().GetAsync("/v1/models/no-such-assistant");

        Assert.Equal(404, thrown.Status);
        await AssertErrorAsync(response, HttpStatusCode.NotFound, "model", "model_not_found");
    }

    [Fact]
    public async Task GetModelOfAnAssistantOutsideTheKeysAllowListIs404()
    {
        var user = "user-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(HttpStatusCode.Created, (await gateway.Client().PostAsJsonAsync("/api/v1/users", new { name = user, type = "Api" })).StatusCode);
        var created = await gateway.Client().PostAsJsonAsync($"/api/v1/users/{user}/keys", new { name = "app", allowedAssistants = new[] { GatewayFixture.Solo } });
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        var client = gateway.Client(key);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/v1/models/{GatewayFixture.Solo}")).StatusCode);
        await AssertErrorAsync(await client.GetAsync($"/v1/models/{GatewayFixture.Demo}"), HttpStatusCode.NotFound, "model", "model_not_found");
    }

    [Fact]
    public async Task PlainCompletionIsTheRawPromptsContinuationWithUsageAndTimings()
    {
        var body = await CompleteAsync(new { model = GatewayFixture.Demo, prompt = ChatPrompt, temperature = 0, max_tokens = 100 });

        Assert.StartsWith("cmpl-", body.GetProperty("id").GetString());
        Assert.Equal("text_completion", body.GetProperty("object").GetString());
        Assert.Equal(GatewayFixture.Demo, body.GetProperty("model").GetString());
        var choice = body.GetProperty("choices").EnumerateArray().Single();
        Assert.Equal(0, choice.GetProperty("index").GetInt32());
        Assert.Equal(ChatText, choice.GetProperty("text").GetString());
        Assert.Equal(JsonValueKind.Null, choice.GetProperty("logprobs").ValueKind);
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        var usage = body.GetProperty("usage");
        Assert.Equal(ScriptedModel.CompletionTokens, usage.GetProperty("completion_tokens").GetInt32());
        Assert.True(usage.GetProperty("prompt_tokens").GetInt32() > 0);
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32() + ScriptedModel.CompletionTokens, usage.GetProperty("total_tokens").GetInt32());
        Assert.Equal(ScriptedModel.CompletionTokens, body.GetProperty("timings").GetProperty("predicted_n").GetInt32());
    }

    [Fact]
    public async Task TheAssistantsSystemPromptDoesNotApplyToARawPrompt()
    {
        var assistant = "a-" + Guid.NewGuid().ToString("N")[..8];
        var created = await gateway.Client().PostAsJsonAsync("/api/v1/assistants", new { name = assistant, model = GatewayFixture.Demo, systemPrompt = "You are a very long-winded assistant." });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var plain = await CompleteAsync(new { model = GatewayFixture.Demo, prompt = HiPrompt, temperature = 0 });
        var viaAssistant = await CompleteAsync(new { model = assistant, prompt = HiPrompt, temperature = 0 });

        Assert.Equal(ScriptedModel.Answer, viaAssistant.GetProperty("choices")[0].GetProperty("text").GetString());
        Assert.Equal(assistant, viaAssistant.GetProperty("model").GetString());
        Assert.Equal(plain.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(), viaAssistant.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task StopStringsEndTheTextAndAreNotEchoed()
    {
        var body = await CompleteAsync(new { model = GatewayFixture.Demo, prompt = HiPrompt, temperature = 0, stop = " demo" });

        var choice = body.GetProperty("choices")[0];
        Assert.Equal(("Hello! I am the Verge", "stop"), (choice.GetProperty("text").GetString(), choice.GetProperty("finish_reason").GetString()));
    }

    [Fact]
    public async Task MaxTokensEndsWithFinishReasonLength()
    {
        var body = await CompleteAsync(new { model = GatewayFixture.Demo, prompt = HiPrompt, temperature = 0, max_tokens = 3 });

        var choice = body.GetProperty("choices")[0];
        Assert.Equal(("Hello! I", "length"), (choice.GetProperty("text").GetString(), choice.GetProperty("finish_reason").GetString()));
        Assert.Equal(3, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task StreamedChunksConcatenateToThePlainTextThenOneFinishAndUsage()
    {
        var plain = await CompleteAsync(new { model = GatewayFixture.Demo, prompt = ChatPrompt, temperature = 0, max_tokens = 100 });
        var events = await StreamAsync(new { model = GatewayFixture.Demo, prompt = ChatPrompt, temperature = 0, max_tokens = 100, stream = true, stream_options = new { include_usage = true } });

        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e).RootElement).ToList();
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        Assert.All(chunks, c => Assert.Equal("text_completion", c.GetProperty("object").GetString()));
        var choices = chunks.SkipLast(1).Select(c => c.GetProperty("choices").EnumerateArray().Single()).ToList();
        Assert.Equal(plain.GetProperty("choices")[0].GetProperty("text").GetString(), string.Concat(choices.Select(c => c.GetProperty("text").GetString())));
        Assert.Equal("stop", Assert.Single(choices, c => c.GetProperty("finish_reason").ValueKind == JsonValueKind.String).GetProperty("finish_reason").GetString());
        var usage = chunks[^1];
        Assert.Equal(0, usage.GetProperty("choices").GetArrayLength());
        Assert.Equal(plain.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), usage.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(plain.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(), usage.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task StreamWithoutIncludeUsageCarriesNoUsage()
    {
        var events = await StreamAsync(new { model = GatewayFixture.Demo, prompt = HiPrompt, temperature = 0, stream = true });

        Assert.Equal("[DONE]", events[^1]);
        Assert.All(events[..^1], e => Assert.False(JsonDocument.Parse(e).RootElement.TryGetProperty("usage", out _)));
    }

    [Fact]
    public async Task SuffixOnAModelWithFimTokensFillsTheExactMiddle()
    {
        var model = "fim-" + Guid.NewGuid().ToString("N")[..8];
        var created = await gateway.Client().PostAsJsonAsync("/api/v1/models", new { name = model, path = TestModels.FimPath, parallel = 2, contextSize = 512, cores = 1 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var body = await CompleteAsync(new { model, prompt = "def add(x, y):\n", suffix = "\n\nprint(add(1, 2))\n", temperature = 0, max_tokens = 50 });

        var choice = body.GetProperty("choices")[0];
        Assert.Equal((ScriptedModel.FimMiddle, "stop"), (choice.GetProperty("text").GetString(), choice.GetProperty("finish_reason").GetString()));
        Assert.Equal(ScriptedModel.FimCompletionTokens, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task SuffixOnAModelWithoutFimTokensIs400NamingSuffix()
    {
        var response = await PostAsync(new { model = GatewayFixture.Demo, prompt = "def add(x, y):\n", suffix = "\n" });

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "suffix", "invalid_value");
    }

    [Fact]
    public async Task EchoPutsThePromptsTextBeforeTheCompletion()
    {
        var body = await CompleteAsync(new { model = GatewayFixture.Demo, prompt = HiPrompt, echo = true, temperature = 0, max_tokens = 3, logprobs = 0 });

        var choice = body.GetProperty("choices")[0];
        Assert.Equal(HiPrompt + "Hello! I", choice.GetProperty("text").GetString());
        Assert.Equal([HiPrompt.Length, HiPrompt.Length + 5, HiPrompt.Length + 6], Ints(choice.GetProperty("logprobs").GetProperty("text_offset")));
    }

    [Fact]
    public async Task LogprobsHaveTheLegacyShape()
    {
        var body = await CompleteAsync(new { model = GatewayFixture.Demo, prompt = HiPrompt, temperature = 0, max_tokens = 3, logprobs = 2 });

        var logprobs = body.GetProperty("choices")[0].GetProperty("logprobs");
        Assert.Equal(["Hello", "!", " I"], logprobs.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!));
        Assert.All(logprobs.GetProperty("token_logprobs").EnumerateArray(), l => Assert.True(l.GetDouble() <= 0));
        var top = logprobs.GetProperty("top_logprobs").EnumerateArray().ToList();
        Assert.Equal(3, top.Count);
        Assert.All(top, t => Assert.Equal(2, t.EnumerateObject().Count()));
        Assert.Equal("Hello", top[0].EnumerateObject().MaxBy(p => p.Value.GetDouble()).Name);
        Assert.Equal([0, 5, 6], Ints(logprobs.GetProperty("text_offset")));
    }

    [Fact]
    public async Task TwoChoicesEachCarryTheGreedyAnswer()
    {
        var body = await CompleteAsync(new { model = GatewayFixture.Demo, prompt = HiPrompt, temperature = 0, n = 2 });

        var choices = body.GetProperty("choices").EnumerateArray().ToList();
        Assert.Equal([0, 1], choices.Select(c => c.GetProperty("index").GetInt32()));
        Assert.All(choices, c => Assert.Equal(ScriptedModel.Answer, c.GetProperty("text").GetString()));
        Assert.Equal(2 * (ScriptedModel.CompletionTokens - 9), body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task TwoPromptsGiveTheirOwnChoicesIndexedByPromptTimesN()
    {
        var single = await CompleteAsync(new { model = GatewayFixture.Demo, prompt = HiPrompt, temperature = 0 });
        var body = await CompleteAsync(new { model = GatewayFixture.Demo, prompt = new[] { ChatPrompt, HiPrompt }, temperature = 0, n = 2, max_tokens = 100 });

        var texts = body.GetProperty("choices").EnumerateArray().OrderBy(c => c.GetProperty("index").GetInt32()).Select(c => c.GetProperty("text").GetString()).ToList();
        Assert.Equal([ChatText, ChatText, ScriptedModel.Answer, ScriptedModel.Answer], texts);
        Assert.True(body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() > single.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task StreamedPromptsEachFinishOnce()
    {
        var events = await StreamAsync(new { model = GatewayFixture.Demo, prompt = new[] { ChatPrompt, HiPrompt }, temperature = 0, max_tokens = 100, stream = true });

        var choices = events[..^1].SelectMany(e => JsonDocument.Parse(e).RootElement.GetProperty("choices").EnumerateArray()).ToList();
        string TextOf(int index) => string.Concat(choices.Where(c => c.GetProperty("index").GetInt32() == index).Select(c => c.GetProperty("text").GetString()));
        Assert.Equal((ChatText, ScriptedModel.Answer), (TextOf(0), TextOf(1)));
        Assert.Equal(2, choices.Count(c => c.GetProperty("finish_reason").ValueKind == JsonValueKind.String));
    }

    [Fact]
    public async Task TokenIdPromptsAreUsedAsGiven()
    {
        var ids = HiTokenIds();

        var one = await CompleteAsync(new { model = GatewayFixture.Demo, prompt = ids, temperature = 0, echo = true });
        var two = await CompleteAsync(new { model = GatewayFixture.Demo, prompt = new[] { ids, ids }, temperature = 0 });

        Assert.Equal(HiPrompt + ScriptedModel.Answer, one.GetProperty("choices")[0].GetProperty("text").GetString());
        Assert.Equal(ids.Length, one.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.All(two.GetProperty("choices").EnumerateArray(), c => Assert.Equal(ScriptedModel.Answer, c.GetProperty("text").GetString()));
        Assert.Equal(2 * ids.Length, two.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task APromptLongerThanTheContextIs400ContextLengthExceeded()
    {
        var response = await PostAsync(new { model = GatewayFixture.Demo, prompt = Enumerable.Repeat(HiTokenIds()[0], 3000).ToArray() });

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "prompt", "context_length_exceeded");
    }

    [Fact]
    public async Task ClientThatDisconnectsMidStreamFreesItsSlot()
    {
        // "solo" has one slot and no queue: while a sequence holds the slot, the next request gets 429.
        var body = new { model = GatewayFixture.Solo, prompt = HiPrompt, stream = true, ignore_eos = true, max_tokens = 30000 };
        using (var response = await gateway.Client().SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "/v1/completions") { Content = JsonContent.Create(body) }, HttpCompletionOption.ResponseHeadersRead))
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            Assert.StartsWith("data: {", await reader.ReadLineAsync());
            Assert.Equal(1, (await gateway.WorkerOf(GatewayFixture.Solo)).SlotsBusy);
            Assert.Equal((HttpStatusCode)429, (await PostAsync(new { model = GatewayFixture.Solo, prompt = HiPrompt })).StatusCode);
        }

        await Eventually.HoldsAsync(async () => (await gateway.WorkerOf(GatewayFixture.Solo)).SlotsBusy == 0, "the abandoned sequence's slot was not freed");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(new { model = GatewayFixture.Solo, prompt = HiPrompt })).StatusCode);
    }

    [Fact]
    public async Task APromptRefusedForCapacityReleasesTheOthersAccepted()
    {
        // Two prompts on one slot without a queue: one is accepted, the other refused; the refusal is the answer.
        var response = await PostAsync(new { model = GatewayFixture.Solo, prompt = new[] { HiPrompt, ChatPrompt }, ignore_eos = true, max_tokens = 30000 });

        await AssertErrorAsync(response, (HttpStatusCode)429, null, "server_busy");
        await Eventually.HoldsAsync(async () => (await gateway.WorkerOf(GatewayFixture.Solo)).SlotsBusy == 0, "the accepted prompt's slot was not freed");
    }

    [Theory]
    [InlineData("""{"model":"verge-demo"}""", "prompt", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo","prompt":""}""", "prompt", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo","prompt":[]}""", "prompt", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo","prompt":5}""", "prompt", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo","prompt":["a",""]}""", "prompt[1]", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo","prompt":["a",1]}""", "prompt[1]", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo","prompt":[1,"a"]}""", "prompt[1]", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo","prompt":[1,-2]}""", "prompt[1]", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo","prompt":[[1],[]]}""", "prompt[1]", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo","prompt":[[1],[2,1.5]]}""", "prompt[1][1]", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo","prompt":[99999999]}""", "prompt", "invalid_value")]
    [InlineData("""{"model":"verge-demo","prompt":"x","echo":true,"stream":true}""", "echo", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo","prompt":"x","stream_options":{"include_usage":true}}""", "stream_options", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo","prompt":"x","logprobs":6}""", "logprobs", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo","prompt":"x","logprobs":true}""", "logprobs", "invalid_type")]
    [InlineData("""{"model":"verge-demo","prompt":"x","temperature":"hot"}""", "temperature", "invalid_type")]
    [InlineData("""{"model":"verge-demo","prompt":"x","suffix":5}""", "suffix", "invalid_type")]
    [InlineData("""{"model":"verge-demo","prompt":"x","max_tokens":0}""", "max_tokens", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo","prompt":"x","n":9}""", "n", "invalid_request_error")]
    [InlineData("""{"model":"verge-demo","prompt":"x","n":2,"best_of":3}""", "best_of", "invalid_request_error")]
    [InlineData("""{"prompt":"x"}""", "model", "invalid_request_error")]
    public async Task InvalidBodiesAre400NamingTheParameter(string json, string param, string code)
    {
        var response = await gateway.Client().PostAsync("/v1/completions", new StringContent(json, Encoding.UTF8, "application/json"));

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, param, code);
    }

    [Fact]
    public async Task AnUnknownAssistantIs404()
    {
        await AssertErrorAsync(await PostAsync(new { model = "no-such-assistant", prompt = "x" }), HttpStatusCode.NotFound, "model", "model_not_found");
    }

    private static int[] HiTokenIds()
    {
        using var model = LoadedModel.Load(TestModels.ScriptedPath);
        return [.. model.Weights.Tokenize(HiPrompt, false, false, Encoding.UTF8).Select(t => (int)t)];
    }

    private Task<HttpResponseMessage> PostAsync(object body) => gateway.Client().PostAsJsonAsync("/v1/completions", body);

    private async Task<JsonElement> CompleteAsync(object body)
    {
        var response = await PostAsync(body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private async Task<string[]> StreamAsync(object body)
    {
        var response = await PostAsync(body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        return [.. text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e.StartsWith("data: ", StringComparison.Ordinal) ? e[6..] : e)];
    }

    private static int[] Ints(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetInt32())];

    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string? param, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {text}");
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        Assert.Equal(param, error.TryGetProperty("param", out var named) ? named.GetString() : null);
        Assert.Equal(code, error.GetProperty("code").GetString());
    }
}
