using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Verge.Orleans.Tests.Gateway;

/// <summary>Greedy chat requests on the wire, naming a session by header or body.</summary>
internal static class SessionChat
{
    public const string Header = "X-Session-Id";

    public sealed record Answer(string Content, string Reasoning, int PromptTokens, int CompletionTokens);

    /// <summary>Sends a greedy request and returns its answer; fails the test on any status but 200.</summary>
    public static async Task<Answer> SendAsync(
        HttpClient client, string model, (string Role, string Content)[] messages,
        string? header = null, string? body = null, bool? chatHistory = null)
    {
        var response = await client.SendAsync(Request(model, messages, header, body, chatHistory, stream: false));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return Parse(text);
    }

    /// <summary>A sessionless greedy request; null when it does not fit the model's context.</summary>
    public static async Task<Answer?> SendIfItFitsAsync(HttpClient client, string model, (string Role, string Content)[] messages)
    {
        var response = await client.SendAsync(Request(model, messages, null, null, null, stream: false));
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode == HttpStatusCode.BadRequest && text.Contains("context_length_exceeded", StringComparison.Ordinal))
        {
            return null;
        }

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return Parse(text);
    }

    private static Answer Parse(string text)
    {
        var json = JsonDocument.Parse(text).RootElement;
        var message = json.GetProperty("choices")[0].GetProperty("message");
        var usage = json.GetProperty("usage");
        return new Answer(
            message.GetProperty("content").GetString()!,
            message.TryGetProperty("reasoning_content", out var reasoning) ? reasoning.GetString() ?? "" : "",
            usage.GetProperty("prompt_tokens").GetInt32(),
            usage.GetProperty("completion_tokens").GetInt32());
    }

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, string model, string user, string? header = null, string? body = null) =>
        client.SendAsync(Request(model, [("user", user)], header, body, null, stream: false));

    /// <summary>Streams a request and runs <paramref name="atFinish"/> as soon as the finish chunk arrives, then reads to <c>[DONE]</c>.</summary>
    public static async Task<T> StreamUntilFinishAsync<T>(HttpClient client, string model, string user, string header, Func<Task<T>> atFinish)
    {
        using var response = await client.SendAsync(Request(model, [("user", user)], header, null, null, stream: true), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        T? seen = default;
        var finished = false;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line == "data: [DONE]")
            {
                break;
            }

            if (line.StartsWith("data: ", StringComparison.Ordinal)
                && JsonDocument.Parse(line[6..]).RootElement is var chunk && chunk.TryGetProperty("choices", out var choices)
                && choices.GetArrayLength() > 0 && choices[0].GetProperty("finish_reason").ValueKind == JsonValueKind.String)
            {
                seen = await atFinish();
                finished = true;
            }
        }

        Assert.True(finished, "the stream ended without a finish chunk");
        return seen!;
    }

    private static HttpRequestMessage Request(
        string model, (string Role, string Content)[] messages, string? header, string? body, bool? chatHistory, bool stream)
    {
        var json = new JsonObject
        {
            ["model"] = model,
            ["temperature"] = 0,
            ["messages"] = new JsonArray(messages.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role, ["content"] = m.Content }).ToArray()),
        };
        if (body is not null)
        {
            json["session_id"] = body;
        }

        if (chatHistory is not null)
        {
            json["chat_history"] = chatHistory;
        }

        if (stream)
        {
            json["stream"] = true;
        }

        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(json) };
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation(Header, header);
        }

        return request;
    }
}
