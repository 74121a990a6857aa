using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Verge.Orleans.Tests.Gateway;

/// <summary>Assistants served by an external OpenAI-compatible server: here a second Verge product on loopback.</summary>
public sealed class UpstreamAssistantTests(UpstreamFixture fixture) : IClassFixture<UpstreamFixture>
{
    private const string Answer = "Hello! I am the Verge demo model on llama.cpp";

    [Fact]
    public async Task StreamedAnswerComesThroughUnchangedWithModelRewrittenAndKeyReplaced()
    {
        var name = await CreateAsync(fixture.UpstreamBaseUrl.ToString(), UpstreamFixture.UpstreamKey);
        using var client = fixture.Client();

        using var response = await client.PostAsync("/v1/chat/completions", Chat(name, stream: true));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var frames = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("data: [DONE]", frames[^1]);
        var chunks = frames[..^1].Select(f => JsonDocument.Parse(f["data: ".Length..]).RootElement).ToList();
        // The upstream's own chunks: it answered for the model it knows (the request's model was rewritten).
        Assert.All(chunks, c => Assert.Equal(GatewayFixture.Demo, c.GetProperty("model").GetString()));
        var text = string.Concat(chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0)
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
            .Select(d => d.TryGetProperty("content", out var content) ? content.GetString() : ""));
        Assert.Equal(Answer, text);
        Assert.True(chunks[^1].TryGetProperty("usage", out _), "include_usage reached the upstream");
        AssertKeyNeverShown(body, response.Headers.ToString());
    }

    [Fact]
    public async Task ChatAndLegacyCompletionsAreForwardedAndTheKeyIsNeverShown()
    {
        var name = await CreateAsync(fixture.UpstreamBaseUrl.ToString(), UpstreamFixture.UpstreamKey);
        using var client = fixture.Client();

        using var chat = await client.PostAsync("/v1/chat/completions", Chat(name, stream: false));
        var chatBody = await chat.Content.ReadFromJsonAsync<JsonElement>();
        using var completion = await client.PostAsJsonAsync("/v1/completions", new { model = name, prompt = "Say hi:", max_tokens = 5 });
        var admin = await client.GetStringAsync($"/api/v1/assistants/{name}");
        var list = await client.GetStringAsync("/api/v1/assistants");

        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        Assert.Equal(Answer, chatBody.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(HttpStatusCode.OK, completion.StatusCode);
        var upstream = JsonDocument.Parse(admin).RootElement.GetProperty("upstream");
        Assert.Equal(GatewayFixture.Demo, upstream.GetProperty("model").GetString());
        Assert.Equal("vk_...retU", upstream.GetProperty("apiKeyHint").GetString());
        Assert.False(upstream.TryGetProperty("apiKey", out _));
        Assert.False(upstream.TryGetProperty("encryptedApiKey", out _));
        AssertKeyNeverShown(chatBody.ToString(), admin, list, await completion.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task EmbeddingsAreForwardedWithTheModelRewrittenAndAreTheUpstreamsOwn()
    {
        var name = await CreateAsync(fixture.UpstreamBaseUrl.ToString(), UpstreamFixture.UpstreamKey, model: UpstreamFixture.EmbeddingModel);
        using var client = fixture.Client();
        string[] inputs = ["Hello world", "a"];

        using var forwarded = await client.PostAsJsonAsync("/v1/embeddings", new { model = name, input = inputs });
        var body = await forwarded.Content.ReadAsStringAsync();
        using var upstream = fixture.Upstream();
        var direct = await (await upstream.PostAsJsonAsync("/v1/embeddings", new { model = UpstreamFixture.EmbeddingModel, input = inputs }))
            .Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(forwarded.StatusCode == HttpStatusCode.OK, body);
        var answer = JsonDocument.Parse(body).RootElement;
        // The upstream answered for the model it knows: the request's model was rewritten on the way.
        Assert.Equal(UpstreamFixture.EmbeddingModel, answer.GetProperty("model").GetString());
        Assert.Equal([0, 1], answer.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("index").GetInt32()));
        for (var i = 0; i < inputs.Length; i++)
        {
            Inference.EmbeddingEngineTests.AssertClose(Vector(direct, i), Vector(answer, i));
        }

        Assert.Equal(direct.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(), answer.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        AssertKeyNeverShown(body, forwarded.Headers.ToString(), forwarded.Content.Headers.ToString());
    }

    [Fact]
    public async Task LegacyCompletionsAreForwardedWithTheModelRewrittenStreamedOrNot()
    {
        var name = await CreateAsync(fixture.UpstreamBaseUrl.ToString(), UpstreamFixture.UpstreamKey);
        using var client = fixture.Client();
        using var upstream = fixture.Upstream();

        using var whole = await client.PostAsJsonAsync("/v1/completions", new { model = name, prompt = "Say hi:", max_tokens = 8, temperature = 0 });
        var wholeBody = await whole.Content.ReadAsStringAsync();
        var direct = await (await upstream.PostAsJsonAsync("/v1/completions", new { model = GatewayFixture.Demo, prompt = "Say hi:", max_tokens = 8, temperature = 0 }))
            .Content.ReadFromJsonAsync<JsonElement>();
        using var streamed = await client.PostAsJsonAsync("/v1/completions",
            new { model = name, prompt = "Say hi:", max_tokens = 8, temperature = 0, stream = true, stream_options = new { include_usage = true } });
        var streamedBody = await streamed.Content.ReadAsStringAsync();

        Assert.True(whole.StatusCode == HttpStatusCode.OK, wholeBody);
        var answer = JsonDocument.Parse(wholeBody).RootElement;
        Assert.Equal(GatewayFixture.Demo, answer.GetProperty("model").GetString());
        var text = direct.GetProperty("choices")[0].GetProperty("text").GetString();
        Assert.False(string.IsNullOrEmpty(text));
        Assert.Equal(text, answer.GetProperty("choices")[0].GetProperty("text").GetString());
        Assert.Equal(direct.GetProperty("usage").ToString(), answer.GetProperty("usage").ToString());

        Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
        Assert.Equal("text/event-stream", streamed.Content.Headers.ContentType?.MediaType);
        var frames = streamedBody.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("data: [DONE]", frames[^1]);
        var chunks = frames[..^1].Select(f => JsonDocument.Parse(f["data: ".Length..]).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal(GatewayFixture.Demo, c.GetProperty("model").GetString()));
        Assert.Equal(text, string.Concat(chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0).Select(c => c.GetProperty("choices")[0].GetProperty("text").GetString())));
        Assert.Equal(direct.GetProperty("usage").ToString(), chunks[^1].GetProperty("usage").ToString());
        AssertKeyNeverShown(wholeBody, streamedBody, whole.Headers.ToString(), streamed.Headers.ToString());
    }

    [Theory]
    [InlineData("/v1/responses", """{"model":"{0}","input":"Hello!"}""")]
    [InlineData("/v1/messages", """{"model":"{0}","max_tokens":8,"messages":[{"role":"user","content":"Hello!"}]}""")]
    public async Task RoutesTheForwarderDoesNotTakeAreRefusedNamingTheOnesThatReachTheUpstream(string route, string body)
    {
        var name = await CreateAsync(fixture.UpstreamBaseUrl.ToString(), UpstreamFixture.UpstreamKey);
        using var client = fixture.Client();

        using var response = await client.PostAsync(route, new StringContent(body.Replace("{0}", name), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        Assert.Contains("only /v1/chat/completions, /v1/completions and /v1/embeddings reach it", text, StringComparison.Ordinal);
        AssertKeyNeverShown(text);
    }

    [Fact]
    public async Task ClientKeyIsReplacedByTheUpstreamsKey()
    {
        // Without a key of its own the upstream sees no key at all (never the client's): it answers 401, passed through.
        var name = await CreateAsync(fixture.UpstreamBaseUrl.ToString(), apiKey: null);
        using var client = fixture.Client();

        using var response = await client.PostAsync("/v1/chat/completions", Chat(name, stream: false));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(GatewayFixture.AdminKey, fixture.UpstreamLogs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableUpstreamIsA502NamingTheAssistantAtOnce()
    {
        var name = await CreateAsync($"http://127.0.0.1:{GatewayFixture.FreePort()}/v1", UpstreamFixture.UpstreamKey);
        using var client = fixture.Client();
        var clock = Stopwatch.StartNew();

        using var response = await client.PostAsync("/v1/chat/completions", Chat(name, stream: true));

        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream_unavailable", error.GetProperty("code").GetString());
        Assert.Contains($"'{name}'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task SilentUpstreamIsA504NamingTheAssistantAfterItsTimeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0); // accepts connections, never answers
        silent.Start();
        var name = await CreateAsync($"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/v1", UpstreamFixture.UpstreamKey, timeoutSeconds: 1);
        using var client = fixture.Client();

        using var response = await client.PostAsync("/v1/chat/completions", Chat(name, stream: false));

        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("upstream_timeout", error.GetProperty("code").GetString());
        Assert.Contains($"'{name}'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysOutsideTheAllowListSeeNoUpstreamAssistant()
    {
        var name = await CreateAsync(fixture.UpstreamBaseUrl.ToString(), UpstreamFixture.UpstreamKey);
        using var admin = fixture.Client();
        var user = $"u{Guid.NewGuid():N}"[..12];
        (await admin.PostAsJsonAsync("/api/v1/users", new { name = user, type = "Api" })).EnsureSuccessStatusCode();
        var created = await (await admin.PostAsJsonAsync($"/api/v1/users/{user}/keys", new { name = "k", allowedAssistants = new[] { GatewayFixture.Demo } }))
            .Content.ReadFromJsonAsync<JsonElement>();
        using var limited = fixture.Client(created.GetProperty("key").GetString()!);

        using var response = await limited.PostAsync("/v1/chat/completions", Chat(name, stream: false));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("model_not_found", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
    }

    private void AssertKeyNeverShown(params string[] responses)
    {
        var secret = UpstreamFixture.UpstreamKey[^20..];
        Assert.All(responses, r => Assert.DoesNotContain(secret, r, StringComparison.Ordinal));
        Assert.DoesNotContain(secret, fixture.GatewayLogs.Text, StringComparison.Ordinal);
    }

    private async Task<string> CreateAsync(string baseUrl, string? apiKey, int timeoutSeconds = 10, string model = GatewayFixture.Demo)
    {
        var name = $"remote-{Guid.NewGuid():N}"[..16];
        using var client = fixture.Client();
        using var created = await client.PostAsJsonAsync("/api/v1/assistants", new
        {
            name,
            upstream = new { baseUrl, model, apiKey, timeoutSeconds },
        });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return name;
    }

    private static float[] Vector(JsonElement list, int index) =>
        [.. list.GetProperty("data")[index].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle())];

    private static StringContent Chat(string model, bool stream) => new(JsonSerializer.Serialize(new
    {
        model,
        stream,
        temperature = 0,
        stream_options = stream ? new { include_usage = true } : null,
        messages = new[] { new { role = "user", content = "Hello!" } },
    }), Encoding.UTF8, "application/json");
}
