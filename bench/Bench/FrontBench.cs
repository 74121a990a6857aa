using System.Diagnostics;
using System.Text;

namespace Verge.Orleans.Bench;

/// <summary>
/// What the YARP front costs: generation speed through the front against straight to one of the gateways
/// behind it, one stream and eight at once, on the same cluster in the same run, in paired rounds.
/// </summary>
internal static class FrontBench
{
    // A pair's ratio varies by about ±5 % on a 2-core machine, so the median of 8 is good to about 2 %;
    // BENCH_FRONT_PAIRS=32 halves that.
    private static readonly int Pairs = int.TryParse(Environment.GetEnvironmentVariable("BENCH_FRONT_PAIRS"), out var pairs) && pairs > 0 ? pairs : 8;

    // usage: Bench front <front base url incl. /v1> <gateway base url incl. /v1> <assistant> <api key> [tokens]
    public static async Task<int> RunAsync(string[] args)
    {
        var (frontUrl, gatewayUrl, assistant, key) = (args[0], args[1], args[2], args[3]);
        var tokens = args.Length > 4 ? int.Parse(args[4]) : 128;
        using var front = Client(frontUrl, key);
        using var gateway = Client(gatewayUrl, key);
        Console.WriteLine($"front {frontUrl} against gateway {gatewayUrl}, {tokens} tokens per stream");
        // Warm both paths at the widest load first: the processes JIT their hot paths to tier 1 during the first
        // thousands of tokens, and that compilation would otherwise land inside the first rounds measured.
        await AggregateAsync(front, assistant, tokens, 8);
        await AggregateAsync(gateway, assistant, tokens, 8);

        foreach (var streams in new[] { 1, 8 })
        {
            // Paired rounds, each path first in every other pair: a slow spell of the machine (a timer, another
            // process) lands on both paths alike, and the median of the pairs' ratios leaves the odd pair out.
            var (viaFront, direct, ratios) = (new List<double>(), new List<double>(), new List<double>());
            for (var pair = 0; pair < Pairs; pair++)
            {
                var frontFirst = pair % 2 == 0;
                var first = await AggregateAsync(frontFirst ? front : gateway, assistant, Tokens(streams), streams);
                var second = await AggregateAsync(frontFirst ? gateway : front, assistant, Tokens(streams), streams);
                var (f, d) = frontFirst ? (first, second) : (second, first);
                (viaFront, direct, ratios) = ([.. viaFront, f], [.. direct, d], [.. ratios, f / d]);
            }

            Console.WriteLine($"{streams} stream(s): through the front {Stats.Median(viaFront):F1} tok/s, straight to a gateway {Stats.Median(direct):F1} tok/s, "
                + $"ratio {Stats.Median(ratios):F3} (median of {Pairs} paired rounds; target >= 0.98); pairs {string.Join(" ", ratios.Select(r => r.ToString("F3")))}");
        }

        return 0;

        // One stream's round is a few seconds at the tokens eight streams take each: four times as many tokens
        // make it as long as theirs, so a slow spell of a second does not decide a pair.
        int Tokens(int streams) => streams == 1 ? 4 * tokens : tokens;
    }

    private static HttpClient Client(string baseUrl, string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/"), Timeout = TimeSpan.FromMinutes(10) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>Tokens per second of <paramref name="streams"/> streams at once, from the first request to the last token.</summary>
    private static async Task<double> AggregateAsync(HttpClient client, string assistant, int tokens, int streams)
    {
        var watch = Stopwatch.StartNew();
        var runs = await Task.WhenAll(Enumerable.Range(0, streams).Select(_ => StreamAsync(client, assistant, tokens)));
        return streams == 1 ? runs[0].DecodeTokensPerSecond : runs.Sum(r => r.Tokens) / watch.Elapsed.TotalSeconds;
    }

    private static async Task<Run> StreamAsync(HttpClient client, string assistant, int tokens)
    {
        var clock = new StreamClock();
        var body = $$"""{"model":"{{assistant}}","stream":true,"temperature":0,"ignore_eos":true,"max_tokens":{{tokens}},"messages":[{"role":"user","content":"Write a story."}]}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Contains("\"delta\":{\"content\"", StringComparison.Ordinal) || line.Contains("\"delta\":{\"reasoning_content\"", StringComparison.Ordinal))
            {
                clock.Token();
            }
        }

        return clock.Stop();
    }
}
