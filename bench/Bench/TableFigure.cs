using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LLama;
using LLama.Native;
using Verge.Orleans.Grains.Inference;
using ChatMessage = Verge.Orleans.Grains.Abstractions.Inference.ChatMessage;

namespace Verge.Orleans.Bench;

/// <summary>
/// Issue #15's table, every row for the product (over HTTP, an assistant of 8 slots × 4096 tokens) and for
/// LLamaSharp driven directly on the same file (<see cref="RawEngineFigure"/>), in this run, with the ratios.
/// The slots first hold other conversations' KV, as on a server that has been in use.
/// </summary>
internal sealed class TableFigure(HttpClient http, string assistant, LoadedModel model, RawEngineFigure raw, int tokens)
{
    public async Task RunAsync()
    {
        Console.WriteLine($"issue #15 table: assistant {assistant}, {tokens} tokens per stream");
        await FillSlotsAsync();
        await SingleStreamAsync();
        await PromptSpeedAsync();
        await EightStreamsAsync();
        await GrowingConversationAsync();
        await OverheadAsync();
    }

    // Eight conversations of about 1.5k tokens leave their KV in the slots (a server in use, not a fresh one).
    private async Task FillSlotsAsync() =>
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => StreamAsync(Text(1500, $"Earlier user {i}"), maxTokens: 4)));

    private async Task SingleStreamAsync()
    {
        var story = model.RenderPrompt([new ChatMessage("user", "Write a story.")], disableThink: false);
        var (product, rawDecode, ratios) = (new List<double>(), new List<double>(), new List<double>());
        for (var round = 0; round < 6; round++)
        {
            // Paired rounds, each side first in every other one; the ratio is the median of the pairs' ratios
            // (a round is two seconds, and a slow spell of the machine would otherwise decide the figure).
            var rawFirst = round % 2 == 0 ? raw.DecodeTokensPerSecond(story, tokens) : 0;
            product.Add((await StreamAsync("Write a story.", tokens)).Clock.DecodeTokensPerSecond);
            rawDecode.Add(round % 2 == 0 ? rawFirst : raw.DecodeTokensPerSecond(story, tokens));
            ratios.Add(product[^1] / rawDecode[^1]);
        }

        Console.WriteLine($"  single-stream generation, tok/s: product {Stats.Median(product):F1}, raw {Stats.Median(rawDecode):F1}, ratio {Stats.Median(ratios):F3} "
            + $"(median of 6 paired rounds: {string.Join(" ", ratios.Select(r => r.ToString("F3")))}; target >= 0.97)");
    }

    private async Task PromptSpeedAsync()
    {
        var (product, rawPrompt) = (new List<double>(), new List<double>());
        for (var round = 0; round < 3; round++)
        {
            var text = Text(512, $"Round {round} {Guid.NewGuid():N}");
            rawPrompt.Add(raw.PromptTokensPerSecond(model.RenderPrompt([new ChatMessage("user", text)], disableThink: false)));
            var answer = await CompleteAsync(text, maxTokens: 1);
            product.Add(answer["timings"]!["prompt_per_second"]!.GetValue<double>());
        }

        Row("prompt tok/s at 512 tokens", Stats.Median(product), Stats.Median(rawPrompt), ">= 1.0");
    }

    // 8 streams of 128-token prompts and 128-token answers, all sent at once; and the time to first token
    // of such a prompt alone against its median among the eight.
    private async Task EightStreamsAsync()
    {
        var alone = new List<double>();
        for (var round = 0; round < 3; round++)
        {
            alone.Add((await StreamAsync(Text(128, $"Alone {Guid.NewGuid():N}"), maxTokens: 1)).Clock.TimeToFirstToken);
        }

        var texts = Enumerable.Range(0, 8).Select(i => Text(128, $"Stream {i} {Guid.NewGuid():N}")).ToList();
        var watch = Stopwatch.StartNew();
        var runs = await Task.WhenAll(texts.Select(text => StreamAsync(text, 128)));
        var aggregate = runs.Sum(r => r.Clock.Tokens) / watch.Elapsed.TotalSeconds;
        var batched = raw.Batched(texts.Select(t => model.RenderPrompt([new ChatMessage("user", t)], disableThink: false)).ToArray(), 128);
        Row("8 streams of 128+128 tokens, aggregate tok/s", aggregate, batched.TokensPerSecond, ">= 0.95");
        Row("  the same against raw decode alone", aggregate, batched.DecodeTokensPerSecond, "");
        var eight = Stats.Median(runs.Select(r => r.Clock.TimeToFirstToken).ToList());
        Console.WriteLine($"  TTFT p50 at 8 concurrent 128-token prompts / at 1: product {eight:F2} s / {Stats.Median(alone):F2} s = {eight / Stats.Median(alone):F2} (target <= 2.5); raw {Stats.Median(batched.TimesToFirstToken):F2} s / {raw.PromptSeconds(model.RenderPrompt([new ChatMessage("user", texts[0])], disableThink: false)):F2} s");
    }

    // One conversation growing to about 2.9k tokens over 10 turns, raw keeping its KV and evaluating each turn's new tokens.
    // Each side goes on with its own answers, rendered with the tokens it generated (the product through its memory of
    // answers, raw by giving its tokens to the renderer): greedy picks on a random model can differ between the two (near
    // ties, other batch shapes), and an answer's text tokenized again is longer. Both grow by the same user texts and
    // 16 answer tokens a turn.
    private async Task GrowingConversationAsync()
    {
        var system = new ChatMessage("system", $"Conversation {Guid.NewGuid():N}. You are a careful assistant.");
        var (messages, rawMessages) = (new List<ChatMessage> { system }, new List<ChatMessage> { system });
        var (product, rawTurns) = (new List<double>(), new List<double>());
        var prompt = Array.Empty<LLamaToken>();
        var retokenized = 0;
        for (var turn = 1; turn <= 10; turn++)
        {
            var user = new ChatMessage("user", Text(240, $"Turn {turn}"));
            messages.Add(user);
            rawMessages.Add(user);
            var run = await StreamAsync(messages, maxTokens: 16);
            product.Add(run.Clock.TimeToFirstToken);
            messages.Add(new ChatMessage("assistant", run.Text));

            prompt = model.RenderPrompt(rawMessages, disableThink: false);
            var (seconds, answer) = raw.Turn(prompt, answerTokens: 16, first: turn == 1);
            rawTurns.Add(seconds);
            var decoder = new StreamingTokenDecoder(Encoding.UTF8, model.Weights);
            decoder.AddRange(answer);
            var text = decoder.Read();
            model.RememberAnswer("", answer);
            retokenized += model.AnswerTokens("", text) is null ? 1 : 0;
            rawMessages.Add(new ChatMessage("assistant", text));
        }

        Console.WriteLine($"  growing conversation ({prompt.Length} tokens at turn 10), TTFT turn 10 / turn 1: product {product[^1]:F2} s / {product[0]:F2} s = {product[^1] / product[0]:F2} (target <= 1.3); raw {rawTurns[^1]:F2} s / {rawTurns[0]:F2} s = {rawTurns[^1] / rawTurns[0]:F2}");
        Console.WriteLine($"    product TTFT by turn: {string.Join(" ", product.Select(t => $"{t * 1000:F0}"))} ms; raw: {string.Join(" ", rawTurns.Select(t => $"{t * 1000:F0}"))} ms{(retokenized > 0 ? $"; {retokenized} of raw's answers could not keep their tokens (text tokenized again)" : "")}");
    }

    // What the gateway and the cluster add: the client's end-to-end time minus the engine's prompt_ms + predicted_ms,
    // and minus queue_ms too (the wait for a step or for earlier prompts, which concurrent streams cause).
    private async Task OverheadAsync()
    {
        foreach (var streams in new[] { 1, 4 })
        {
            var runs = (await Task.WhenAll(Enumerable.Range(0, streams).Select(async s =>
            {
                var own = new List<(double Overhead, double Queue, int Cached)>();
                for (var i = 0; i < 100 / streams; i++)
                {
                    var watch = Stopwatch.StartNew();
                    var answer = await CompleteAsync($"Question {i} of stream {s}: how are you?", maxTokens: 8);
                    var timings = answer["timings"]!;
                    var queue = timings["queue_ms"]!.GetValue<double>();
                    var cached = answer["usage"]!["prompt_tokens_details"]?["cached_tokens"]?.GetValue<int>() ?? 0;
                    own.Add((watch.Elapsed.TotalMilliseconds - timings["prompt_ms"]!.GetValue<double>() - timings["predicted_ms"]!.GetValue<double>(), queue, cached));
                }

                return own;
            }))).SelectMany(o => o).ToList();
            var overheads = runs.Select(r => r.Overhead).Order().ToList();
            var unexplained = runs.Select(r => r.Overhead - r.Queue).Order().ToList();
            Console.WriteLine($"  overhead E2E - (prompt_ms + predicted_ms), {streams} stream(s): p50 {P(overheads, 0.5):F1} ms, p99 {P(overheads, 0.99):F1} ms (target p99 <= 5 ms at 1); without queue_ms p50 {P(unexplained, 0.5):F1} ms, p99 {P(unexplained, 0.99):F1} ms");
            if (streams == 1)
            {
                // queue_ms holds placing the prompt: a restore of cached KV (cheaper than evaluating what it reuses) or a save.
                Console.WriteLine($"    longest queue_ms (cached tokens): {string.Join(", ", runs.OrderByDescending(r => r.Queue).Take(4).Select(r => $"{r.Queue:F1} ms ({r.Cached})"))}");
            }
        }
    }

    private void Row(string figure, double product, double rawFigure, string target) =>
        Console.WriteLine($"  {figure}: product {product:F1}, raw {rawFigure:F1}, ratio {product / rawFigure:F3}{(target == "" ? "" : $" (target {target})")}");

    // A user message whose rendered prompt is about the given number of tokens.
    private string Text(int promptTokens, string opening)
    {
        var text = new StringBuilder(opening).Append(':');
        while (model.RenderPrompt([new ChatMessage("user", text.ToString())], disableThink: false).Length < promptTokens)
        {
            text.Append(" the cluster keeps every worker busy");
        }

        return text.ToString();
    }

    private Task<(Run Clock, string Text)> StreamAsync(string user, int maxTokens) =>
        StreamAsync([new ChatMessage("user", user)], maxTokens);

    private async Task<(Run Clock, string Text)> StreamAsync(IReadOnlyList<ChatMessage> messages, int maxTokens)
    {
        var clock = new StreamClock();
        var answer = new StringBuilder();
        using var request = new HttpRequestMessage(HttpMethod.Post, "chat/completions") { Content = Body(messages, maxTokens, stream: true) };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: {", StringComparison.Ordinal))
            {
                continue;
            }

            using var chunk = JsonDocument.Parse(line[6..]);
            if (chunk.RootElement.GetProperty("choices") is { ValueKind: JsonValueKind.Array } choices && choices.GetArrayLength() > 0
                && choices[0].GetProperty("delta").TryGetProperty("content", out var content) && content.GetString() is { Length: > 0 } text)
            {
                clock.Token();
                answer.Append(text);
            }
        }

        return (clock.Stop(), answer.ToString());
    }

    private async Task<JsonNode> CompleteAsync(string user, int maxTokens)
    {
        using var response = await http.PostAsync("chat/completions", Body([new ChatMessage("user", user)], maxTokens, stream: false));
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private StringContent Body(IReadOnlyList<ChatMessage> messages, int maxTokens, bool stream) => new(new JsonObject
    {
        ["model"] = assistant, ["stream"] = stream, ["temperature"] = 0, ["ignore_eos"] = true, ["max_tokens"] = maxTokens,
        ["messages"] = new JsonArray(messages.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role, ["content"] = m.Content }).ToArray()),
    }.ToJsonString(), Encoding.UTF8, "application/json");


    private static double P(List<double> sorted, double quantile) => sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * quantile))];
}
