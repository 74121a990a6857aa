using System.Diagnostics;
using System.Text;
using LLama.Native;
using Microsoft.Extensions.Logging.Abstractions;
using Verge.Orleans.Bench;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Inference;

// usage: Bench <model.gguf> <gateway base url incl. /v1> <assistant> <api key> [tokens] [4-slot assistant for the fairness figure]
//        [4-slot assistant with a long context for the conversations figure] [the same on two workers for the routing figure]
//        [8 slots x 4096 tokens for issue #15's table against the raw engine];
//        BENCH_ONLY=conversations runs only the prompt cache figures, BENCH_ONLY=routing only the routing figure,
//        BENCH_ONLY=table only the table
//        Bench embeddings <embedding.gguf> <gateway base url incl. /v1> <assistant> <api key>
//        Bench front <front base url incl. /v1> <gateway base url incl. /v1> <assistant> <api key> [tokens]
if (args is ["embeddings", .. var rest])
{
    return await EmbeddingBench.RunAsync(rest);
}

if (args is ["front", .. var frontArgs])
{
    return await FrontBench.RunAsync(frontArgs);
}

var (modelPath, baseUrl, assistant, key) = (args[0], args[1], args[2], args[3]);
var tokens = args.Length > 4 ? int.Parse(args[4]) : 128;
using var http = new HttpClient { BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/"), Timeout = TimeSpan.FromMinutes(10) };
http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
NativeLogConfig.llama_log_set((_, _) => { });
if (Environment.GetEnvironmentVariable("BENCH_ONLY") == "conversations")
{
    await CacheCostFigure.RunAsync(modelPath);
    await ConversationsFigure.RunAsync(http, args[6]);
    return 0;
}

if (Environment.GetEnvironmentVariable("BENCH_ONLY") == "table")
{
    await TableAsync();
    return 0;
}

if (Environment.GetEnvironmentVariable("BENCH_ONLY") == "routing")
{
    await ConversationsFigure.RunAsync(http, args[7], "over 2 workers of 4 slots");
    return 0;
}

using var model = LoadedModel.Load(modelPath);
using var engine = new InferenceEngine(model, new EngineOptions { Parallel = 8, ContextSize = 1024, Threads = Environment.ProcessorCount }, "in-process", NullLogger.Instance);
var prompt = model.RenderPrompt([new Verge.Orleans.Grains.Abstractions.Inference.ChatMessage("user", "Write a story.")], disableThink: false);

async Task<Run> InProcessAsync()
{
    var clock = new StreamClock();
    var settings = new SamplingSettings { Temperature = 0, MaxTokens = tokens, IgnoreEos = true };
    await foreach (var update in engine.Submit(prompt, settings, CancellationToken.None).ReadAllAsync())
    {
        if (update.Kind == GenerationEventKind.Delta)
        {
            clock.Token();
        }
    }

    return clock.Stop();
}

// A plain SSE reader: the figure is the server's path, not a client library's parsing cost.
async Task<Run> HttpAsync(string messages = """[{"role":"user","content":"Write a story."}]""", int? maxTokens = null, string extra = "", string? model = null, HttpClient? client = null)
{
    var clock = new StreamClock();
    var body = $$"""{"model":"{{model ?? assistant}}","stream":true,"temperature":0,"ignore_eos":true,"max_tokens":{{maxTokens ?? tokens}},"messages":{{messages}}{{extra}}}""";
    using var request = new HttpRequestMessage(HttpMethod.Post, "chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    using var response = await (client ?? http).SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
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

Console.WriteLine($"model {Path.GetFileName(modelPath)}, {tokens} tokens per stream, {Environment.ProcessorCount} threads");
await InProcessAsync();
await HttpAsync();

// Single stream: alternate the two paths so drift on a noisy machine hits both alike.
var inProcess = new List<double>();
var overHttp = new List<double>();
for (var round = 0; round < 3; round++)
{
    inProcess.Add((await InProcessAsync()).DecodeTokensPerSecond);
    overHttp.Add((await HttpAsync()).DecodeTokensPerSecond);
}

var (inMedian, httpMedian) = (Stats.Median(inProcess), Stats.Median(overHttp));
Console.WriteLine($"single stream generation: in-process {inMedian:F1} tok/s, HTTP {httpMedian:F1} tok/s, ratio {httpMedian / inMedian:F3} (target >= 0.95)");

// Structured output: the same stream constrained by a JSON schema (a story string: the grammar never closes early).
const string storySchema = ""","response_format":{"type":"json_schema","json_schema":{"name":"story","strict":true,"schema":{"type":"object","properties":{"story":{"type":"string"}},"required":["story"],"additionalProperties":false}}}""";
var free = new List<double>();
var constrained = new List<double>();
for (var round = 0; round < 3; round++)
{
    free.Add((await HttpAsync()).DecodeTokensPerSecond);
    constrained.Add((await HttpAsync(extra: storySchema)).DecodeTokensPerSecond);
}

Console.WriteLine($"json_schema constrained generation: {Stats.Median(constrained):F1} tok/s, unconstrained {Stats.Median(free):F1} tok/s, ratio {Stats.Median(constrained) / Stats.Median(free):F3} (target >= 0.8)");

var aggregate = new Dictionary<int, double>();
foreach (var streams in new[] { 1, 4, 8 })
{
    var watch = Stopwatch.StartNew();
    var runs = await Task.WhenAll(Enumerable.Range(0, streams).Select(_ => HttpAsync()));
    aggregate[streams] = runs.Sum(r => r.Tokens) / watch.Elapsed.TotalSeconds;
    Console.WriteLine($"aggregate over HTTP, {streams} concurrent streams: {aggregate[streams]:F1} tok/s");
}

Console.WriteLine($"8 streams / 1 stream: {aggregate[8] / aggregate[1]:F2}x (target >= 1.8x)");

// A conversation's next turn: its long system prompt and first turn are still in the worker's slot.
var cold = new List<double>();
var warm = new List<double>();
for (var round = 0; round < 3; round++)
{
    var system = $"Session {Guid.NewGuid():N}. " + string.Concat(Enumerable.Repeat("You are a careful assistant for operators of the Verge cluster; answer with facts. ", 5));
    var turn = $$"""{"role":"system","content":"{{system}}"},{"role":"user","content":"Write a story."}""";
    cold.Add((await HttpAsync($"[{turn}]", maxTokens: 8)).TimeToFirstToken);
    warm.Add((await HttpAsync($$"""[{{turn}},{"role":"assistant","content":"Once upon a time"},{"role":"user","content":"Go on."}]""", maxTokens: 8)).TimeToFirstToken);
}

Console.WriteLine($"next turn of a conversation (430-character system prompt): time to first token {Stats.Median(cold) * 1000:F0} ms cold, {Stats.Median(warm) * 1000:F0} ms with the prefix cached ({Stats.Median(cold) / Stats.Median(warm):F1}x)");

// Fairness: a light user's time to first token on a 4-slot worker, alone and while a heavy user keeps 16 requests in flight.
if (args.Length > 5)
{
    using var light = new HttpClient { BaseAddress = http.BaseAddress, Timeout = http.Timeout };
    light.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await LightKeyAsync());
    var fairModel = args[5];
    async Task<List<double>> LightTurnsAsync()
    {
        var ttft = new List<double>();
        for (var i = 0; i < 7; i++)
        {
            ttft.Add((await HttpAsync(maxTokens: 16, model: fairModel, client: light, messages: $$"""[{"role":"user","content":"Light question {{i}}."}]""")).TimeToFirstToken);
        }

        return ttft;
    }

    var alone = Stats.Median(await LightTurnsAsync());
    using var stop = new CancellationTokenSource();
    var heavy = Enumerable.Range(0, 16).Select(async i =>
    {
        while (!stop.IsCancellationRequested)
        {
            await HttpAsync(maxTokens: 64, model: fairModel, messages: $$"""[{"role":"user","content":"Heavy work {{i}}."}]""");
        }
    }).ToList();
    await Task.Delay(TimeSpan.FromSeconds(3));
    var contended = Stats.Median(await LightTurnsAsync());
    stop.Cancel();
    await Task.WhenAll(heavy);
    Console.WriteLine($"fairness, 4 slots: light user's TTFT p50 {alone * 1000:F0} ms alone, {contended * 1000:F0} ms beside 16 heavy requests in flight, ratio {contended / alone:F2} (target <= 2)");
}

if (args.Length > 6)
{
    await CacheCostFigure.RunAsync(modelPath);
    await ConversationsFigure.RunAsync(http, args[6]);
}

if (args.Length > 7)
{
    await ConversationsFigure.RunAsync(http, args[7], "over 2 workers of 4 slots");
}

if (args.Length > 8)
{
    await TableAsync();
}

return 0;

// A normal user with a key of its own, made through the admin API.
async Task<string> LightKeyAsync()
{
    var user = $"bench-light-{Guid.NewGuid():N}"[..24];
    (await http.PostAsync(new Uri(http.BaseAddress!, "/api/v1/users"), new StringContent($$"""{"name":"{{user}}"}""", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
    var created = await http.PostAsync(new Uri(http.BaseAddress!, $"/api/v1/users/{user}/keys"), new StringContent("""{"name":"bench"}""", Encoding.UTF8, "application/json"));
    created.EnsureSuccessStatusCode();
    return System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!;
}


// Issue #15's table against LLamaSharp driven directly on the same file, on the assistant of 8 slots x 4096 tokens.
async Task TableAsync()
{
    using var loaded = LoadedModel.Load(modelPath);
    using var raw = new RawEngineFigure(modelPath, 4096, sequences: 8);
    await new TableFigure(http, args[8], loaded, raw, tokens).RunAsync();
}
