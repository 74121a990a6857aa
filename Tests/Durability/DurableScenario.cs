using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Verge.Orleans.Tests.Durability;

/// <summary>
/// What an operator sets up through the admin API (a user, their key, a model, an assistant), and the
/// check that all of it still works after every process restarted.
/// </summary>
internal sealed class DurableScenario
{
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    public string User => "alice-" + _suffix;

    public string Model => "model-" + _suffix;

    public string Assistant => "assistant-" + _suffix;

    public string KeyName => "key-" + _suffix;

    public string Token { get; private set; } = "";

    /// <param name="client">An HTTP client of the gateway sending the given key.</param>
    public async Task WriteAsync(Func<string, HttpClient> client)
    {
        using var admin = client(Gateway.GatewayFixture.AdminKey);
        await Created(admin.PostAsJsonAsync("/api/v1/users", new { name = User, type = "API" }));
        var key = await Created(admin.PostAsJsonAsync($"/api/v1/users/{User}/keys", new { name = KeyName, description = "survives restarts" }));
        Token = key.GetProperty("key").GetString()!;
        await Created(admin.PostAsJsonAsync("/api/v1/models", new { name = Model, path = TestModels.ScriptedPath, parallel = 2, contextSize = 512, cores = 1 }));
        await Created(admin.PostAsJsonAsync("/api/v1/assistants", new { name = Assistant, model = Model, systemPrompt = "Be brief.", maxTokens = 12 }));
        await ChatAsync(client(Token));
    }

    /// <summary>After the restart: the user, the key's metadata, the model and the assistant are back, and the key still serves the assistant.</summary>
    public async Task VerifyAsync(Func<string, HttpClient> client)
    {
        using var admin = client(Gateway.GatewayFixture.AdminKey);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/v1/users/{User}")).StatusCode);
        var keys = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{User}/keys");
        Assert.Equal(KeyName, keys.EnumerateArray().Single().GetProperty("name").GetString());
        var model = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/models/{Model}");
        Assert.Equal(2, model.GetProperty("parallel").GetInt32());
        var assistant = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/assistants/{Assistant}");
        Assert.Equal("Be brief.", assistant.GetProperty("systemPrompt").GetString());
        await ChatAsync(client(Token));
    }

    private async Task ChatAsync(HttpClient user)
    {
        using var _ = user;
        var response = await user.PostAsJsonAsync("/v1/chat/completions",
            new { model = Assistant, temperature = 0, messages = new[] { new { role = "user", content = "hi" } } });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        var answer = JsonDocument.Parse(body).RootElement;
        Assert.Equal("length", answer.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(12, answer.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    private static async Task<JsonElement> Created(Task<HttpResponseMessage> call)
    {
        var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
