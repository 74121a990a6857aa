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

    private async Task<string> CreateAsync(string baseUrl, string? apiKey, int timeoutSeconds = 10)
    {
        var name = $"remote-{Guid.NewGuid():N}"[..16];
        using var client = fixture.Client();
        using var created = await client.PostAsJsonAsync("/api/v1/assistants", new
        {
            name,
            upstream = new { baseUrl, model = GatewayFixture.Demo, apiKey, timeoutSeconds },
        });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return name;
    }

    private static StringContent Chat(string model, bool stream) => new(JsonSerializer.Serialize(new
    {
        model,
        stream,
        temperature = 0,
        stream_options = stream ? new { include_usage = true } : null,
        messages = new[] { new { role = "user", content = "Hello!" } },
    }), Encoding.UTF8, "application/json");
}
