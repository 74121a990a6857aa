using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Verge.Orleans.Bench;

/// <summary>
/// Many conversations over few slots (#15): 16 conversations of 8 turns at once over a model's workers
/// (one of 4 slots, or two for the routing figure), each turn sending the history with the answers it
/// received. Reports the share of each turn's prompt that was reused
/// (usage.prompt_tokens_details.cached_tokens), the mean time to first token of turns 2-8 over turn 1's,
/// and the share of turns 2-8 that landed on the worker holding their prefix: their reused tokens cover
/// at least 90 % of the previous turn's prompt (each conversation's system prompt is its own, so on
/// another worker nearly nothing would be reused).
/// </summary>
internal static class ConversationsFigure
{
    private const int Conversations = 16;
    private const int Turns = 8;
    private static int _refused;

    public static async Task RunAsync(HttpClient http, string assistant, string over = "over 4 slots")
    {
        _refused = 0;
        var runs = await Task.WhenAll(Enumerable.Range(0, Conversations).Select(i => ConversationAsync(http, assistant, i)));
        var first = runs.Select(r => r[0].Ttft).Average();
        var later = runs.SelectMany(r => r.Skip(1)).ToList();
        var reused = later.Sum(t => (double)t.Cached) / later.Sum(t => t.Prompt);
        var ratio = later.Average(t => t.Ttft) / first;
        for (var turn = 0; turn < Turns; turn++)
        {
            var at = runs.Select(r => r[turn]).ToList();
            Console.WriteLine($"  turn {turn + 1}: prompt {at.Average(t => t.Prompt):F0} tokens, {100.0 * at.Sum(t => t.Cached) / at.Sum(t => t.Prompt):F1} % reused, mean TTFT {at.Average(t => t.Ttft) * 1000:F0} ms");
        }

        var landed = runs.Sum(r => r.Skip(1).Where((t, i) => t.Cached >= 0.9 * r[i].Prompt).Count()) / (double)later.Count;
        Console.WriteLine($"{Conversations} conversations x {Turns} turns {over}: turns 2-8 reuse {reused * 100:F1} % of their prompt (target >= 90 %), mean TTFT turns 2-8 / turn 1 {ratio:F2} (target <= 1.5), {landed * 100:F1} % landed on the worker holding their prefix");
        var workers = await http.GetStringAsync(new Uri(http.BaseAddress!, "/api/v1/workers"));
        foreach (var worker in JsonNode.Parse(workers)!.AsArray().Where(w => (string?)w!["model"] == assistant))
        {
            Console.WriteLine($"  worker {worker!["worker"]}: prompt cache hits {worker["promptCacheHits"]}, misses {worker["promptCacheMisses"]}, restores {worker["promptCacheRestores"]}, evictions {worker["promptCacheEvictions"]}, {worker["promptCacheEntries"]} entries, {(long?)worker["promptCacheBytes"] / (1 << 20)} MiB");
        }

        Console.WriteLine($"  turns refused with 429 and sent again after Retry-After: {_refused} (TTFT counts from the first attempt)");
    }

    private static async Task<List<TurnRun>> ConversationAsync(HttpClient http, string assistant, int index)
    {
        var system = $"Session {index} {Guid.NewGuid():N}. " + string.Concat(Enumerable.Repeat(
            "You are the operations assistant of the Verge cluster; answer with facts, cite the worker and the model, and keep to the point. ", 8));
        var messages = new JsonArray { Message("system", system) };
        var turns = new List<TurnRun>();
        for (var turn = 1; turn <= Turns; turn++)
        {
            messages.Add(Message("user", $"Question {turn} of session {index}: how busy is worker {turn} and what should I change?"));
            var (run, answer) = await TurnAsync(http, assistant, messages);
            turns.Add(run);
            messages.Add(Message("assistant", answer));
        }

        return turns;
    }

    private static async Task<(TurnRun Run, string Answer)> TurnAsync(HttpClient http, string assistant, JsonArray messages)
    {
        var body = new JsonObject
        {
            ["model"] = assistant, ["stream"] = true, ["temperature"] = 0, ["ignore_eos"] = true, ["max_tokens"] = 16,
            ["stream_options"] = new JsonObject { ["include_usage"] = true }, ["messages"] = messages.DeepClone(),
        };
        var started = Stopwatch.GetTimestamp();
        var response = await SendAsync(http, body);
        while (response.StatusCode == System.Net.HttpStatusCode.TooManyRequests)
        {
            // A worker that cannot start the turn soon says so and when to come back, as OpenAI's clients expect.
            Interlocked.Increment(ref _refused);
            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
            response.Dispose();
            response = await SendAsync(http, body);
        }

        using var answered = response;
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var (answer, ttft, prompt, cached) = (new StringBuilder(), 0.0, 0, 0);
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: {", StringComparison.Ordinal))
            {
                continue;
            }

            if (line.StartsWith("data: {\"error\"", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"A turn's stream ended in an error, so its figures would be wrong: {line}");
            }

            using var chunk = JsonDocument.Parse(line[6..]);
            if (chunk.RootElement.TryGetProperty("choices", out var choices) && choices.GetArrayLength() > 0
                && choices[0].GetProperty("delta").TryGetProperty("content", out var content) && content.GetString() is { Length: > 0 } text)
            {
                ttft = ttft == 0 ? Stopwatch.GetElapsedTime(started).TotalSeconds : ttft;
                answer.Append(text);
            }

            if (chunk.RootElement.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
            {
                prompt = usage.GetProperty("prompt_tokens").GetInt32();
                cached = usage.TryGetProperty("prompt_tokens_details", out var details) && details.ValueKind == JsonValueKind.Object
                    ? details.GetProperty("cached_tokens").GetInt32() : 0;
            }
        }

        return (new TurnRun(prompt, cached, ttft), answer.ToString());
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, JsonObject body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "chat/completions") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    private static JsonObject Message(string role, string content) => new() { ["role"] = role, ["content"] = content };

    private sealed record TurnRun(int Prompt, int Cached, double Ttft);
}
