using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Verge.Orleans.Tests.Gateway;

/// <summary>Users and keys with limits, and chat requests whose status, headers and usage the limit and usage tests read.</summary>
internal static class LimitedChat
{
    public sealed record Reply(HttpStatusCode Status, HttpResponseMessage Response, JsonElement? Usage, JsonElement? Error)
    {
        public string? Header(string name) => Response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

        public long UsageOf(string field) => Usage!.Value.GetProperty(field).GetInt64();

        public long CachedTokens => Usage!.Value.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt64();
    }

    /// <summary>Creates a user (with <paramref name="userLimits"/>) and a key (with <paramref name="keyLimits"/>); returns their names and the token.</summary>
    public static async Task<(string User, string KeyId, string Token)> CreateAsync(HttpClient admin, object? userLimits = null, object? keyLimits = null)
    {
        var user = "limited-" + Guid.NewGuid().ToString("N")[..8];
        var created = await admin.PostAsJsonAsync("/api/v1/users", new { name = user, type = "Api", limits = userLimits });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var key = await admin.PostAsJsonAsync($"/api/v1/users/{user}/keys", new { name = "k", limits = keyLimits });
        Assert.True(key.StatusCode == HttpStatusCode.Created, await key.Content.ReadAsStringAsync());
        var body = await key.Content.ReadFromJsonAsync<JsonElement>();
        return (user, body.GetProperty("id").GetString()!, body.GetProperty("key").GetString()!);
    }

    /// <summary>One chat request; streamed ones ask for the usage chunk. Its usage is what the client received.</summary>
    public static async Task<Reply> SendAsync(HttpClient client, string token, bool stream = false, string model = GatewayFixture.Demo, string content = "hi", int n = 1)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["model"] = model,
            ["messages"] = new[] { new { role = "user", content } },
            ["stream"] = stream,
            ["n"] = n,
            ["stream_options"] = new { include_usage = stream },
        }).Replace(",\"stream_options\":{\"include_usage\":false}", "", StringComparison.Ordinal);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", token);
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return new Reply(response.StatusCode, response, null, JsonDocument.Parse(text).RootElement.GetProperty("error"));
        }

        if (!stream)
        {
            return new Reply(response.StatusCode, response, JsonDocument.Parse(text).RootElement.GetProperty("usage"), null);
        }

        var usage = text.Split('\n')
            .Where(line => line.StartsWith("data: {", StringComparison.Ordinal))
            .Select(line => JsonDocument.Parse(line["data: ".Length..]).RootElement)
            .Single(chunk => chunk.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object)
            .GetProperty("usage");
        return new Reply(response.StatusCode, response, usage, null);
    }
}
