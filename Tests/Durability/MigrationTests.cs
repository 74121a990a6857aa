using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Verge.Orleans.Grains.ModelFiles;
using Xunit.Abstractions;

namespace Verge.Orleans.Tests.Durability;

/// <summary>
/// In-flight migration as an operator meets it: real processes on real PostgreSQL, a model slow enough to
/// be caught mid-answer, and the silo of the worker generating it killed (<c>kill -9</c>) or hung
/// (<c>kill -STOP</c>). The client gets the same greedy answer as without the fault, with no error frame.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class MigrationTests(PostgresServer postgres, ITestOutputHelper output)
{
    private const string Assistant = "slow";
    private const int AnswerTokens = 1500;

    // The fault comes a while into the answer (it takes several seconds), so the new worker replays hundreds of tokens.
    private static readonly TimeSpan IntoTheAnswer = TimeSpan.FromSeconds(1.5);

    private static readonly Lazy<string> SlowModel = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"verge-tests-{Environment.ProcessId}", "slow-demo.gguf");
        ScriptedModel.WriteLooping(path, new ModelShape(512, 8, 1536, 8, 2, 0));
        return path;
    });

    [Fact]
    public async Task AnswersRunningOnAKilledSiloGoOnElsewhereUnchanged()
    {
        await using var cluster = await StartAsync(silos: 3);
        var unfaulted = await StreamAsync(cluster, fault: null);

        var streamed = await StreamAsync(cluster, fault: silo => silo.Crash());
        var collected = await CollectAsync(cluster, fault: silo => silo.Crash());

        Report("kill -9", unfaulted, streamed, cluster);
        AssertSameAnswer(unfaulted, streamed);
        AssertSameAnswer(unfaulted, collected);
        Assert.Equal(2, Moves(cluster));
    }

    [Fact]
    public async Task AnAnswerRunningOnAHungSiloGoesOnElsewhereUnchanged()
    {
        await using var cluster = await StartAsync(silos: 2);
        var unfaulted = await StreamAsync(cluster, fault: null);

        var streamed = await StreamAsync(cluster, fault: silo => silo.Pause());

        Report("kill -STOP", unfaulted, streamed, cluster);
        AssertSameAnswer(unfaulted, streamed);
        Assert.Equal(1, Moves(cluster));
    }

    /// <summary>
    /// The whole answer, once, without an error, byte for byte the unfaulted one. The model's greedy picks do not
    /// depend on float rounding (see <see cref="ScriptedModel.WriteLooping"/>), so a lost, repeated or shifted
    /// token is the only way the texts could differ.
    /// </summary>
    private static void AssertSameAnswer(Streamed unfaulted, Streamed faulted)
    {
        Assert.Equal(("length", null, AnswerTokens), (faulted.FinishReason, faulted.Error, faulted.CompletionTokens));
        Assert.Equal(unfaulted.Text, faulted.Text);
    }

    // The gateway logs each answer it moves to another worker.
    private static int Moves(ProcessCluster cluster) =>
        cluster.Output.Split('\n').Count(line => line.Contains("the request goes on elsewhere", StringComparison.Ordinal));

    private void Report(string fault, Streamed unfaulted, Streamed faulted, ProcessCluster cluster)
    {
        output.WriteLine($"{fault} at {faulted.Faulted:HH:mm:ss.fff}: the answer took {faulted.Took.TotalSeconds:F2} s, unfaulted {unfaulted.Took.TotalSeconds:F2} s ({unfaulted.Text.Length} characters)");
        output.WriteLine(string.Join('\n', cluster.Output.Split('\n').Where(line => line.Contains("goes on elsewhere", StringComparison.Ordinal) || line.Contains("took the request over", StringComparison.Ordinal))));
    }

    // One line per event, and what membership and the client's gateway list decide, for reading a slow move afterwards.
    private static readonly Dictionary<string, string> Diagnostics = new()
    {
        ["Logging:Console:FormatterOptions:SingleLine"] = "true",
        ["Logging:LogLevel:Orleans.Runtime.MembershipService"] = "Information",
        ["Logging:LogLevel:Orleans.Messaging"] = "Information",
        ["Logging:LogLevel:Verge.Orleans.Gateway.Serving"] = "Debug",
    };

    private async Task<ProcessCluster> StartAsync(int silos)
    {
        var cluster = new ProcessCluster(postgres.ConnectionString, Diagnostics);
        for (var i = 0; i < silos; i++)
        {
            cluster.StartSilo(gpu: true);
        }

        await cluster.StartGatewayAsync();
        using var admin = cluster.Client();
        Assert.True((await admin.PostAsJsonAsync("/api/v1/models", new { name = "slow-demo", path = SlowModel.Value, parallel = 2, contextSize = 2048, cores = 1 })).IsSuccessStatusCode);
        Assert.True((await admin.PostAsJsonAsync("/api/v1/assistants", new { name = Assistant, model = "slow-demo" })).IsSuccessStatusCode);
        await Eventually.HoldsAsync(async () => (await admin.PostAsJsonAsync("/v1/chat/completions", Request(stream: false, maxTokens: 1))).IsSuccessStatusCode,
            "the slow model did not come online");
        return cluster;
    }

    private static object Request(bool stream, int maxTokens = AnswerTokens) => new
    {
        model = Assistant,
        stream,
        stream_options = stream ? new { include_usage = true } : null,
        temperature = 0,
        max_tokens = maxTokens,
        ignore_eos = true,
        messages = new[] { new { role = "user", content = "Tell me a long story." } },
    };

    /// <summary>A streamed answer, read as a client reads it; <paramref name="fault"/> hits the worker's silo once it is generating.</summary>
    private static async Task<Streamed> StreamAsync(ProcessCluster cluster, Action<ClusterProcess>? fault)
    {
        var victim = fault is null ? null : await cluster.SiloOfWorkerAsync("slow-demo");
        DateTime? faulted = null;
        using var client = cluster.Client();
        var total = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(Request(stream: true)) };
        var sending = client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (victim is not null)
        {
            await Eventually.HoldsAsync(() => cluster.WorkerBusyAsync("slow-demo"), "the answer did not start");
            await Task.Delay(IntoTheAnswer);
            fault!(victim);
            faulted = DateTime.UtcNow;
        }

        using var response = await sending;
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var text = new System.Text.StringBuilder();
        string? finish = null, error = null;
        var completionTokens = 0;
        while (await reader.ReadLineAsync() is { } line && line != "data: [DONE]")
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
            {
                continue;
            }

            var frame = JsonDocument.Parse(line[6..]).RootElement;
            if (frame.TryGetProperty("error", out var failure))
            {
                error = failure.GetProperty("message").GetString();
                continue;
            }

            if (frame.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
            {
                completionTokens = usage.GetProperty("completion_tokens").GetInt32();
            }

            if (frame.GetProperty("choices") is { ValueKind: JsonValueKind.Array } choices && choices.GetArrayLength() > 0)
            {
                var choice = choices[0];
                if (choice.GetProperty("delta").TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
                {
                    text.Append(content.GetString());
                }

                if (choice.GetProperty("finish_reason").ValueKind == JsonValueKind.String)
                {
                    finish = choice.GetProperty("finish_reason").GetString();
                }
            }
        }

        return new Streamed(text.ToString(), finish, error, completionTokens, total.Elapsed) { Faulted = faulted };
    }

    /// <summary>A whole answer in one response; <paramref name="fault"/> hits the worker's silo once it is generating (it takes seconds).</summary>
    private static async Task<Streamed> CollectAsync(ProcessCluster cluster, Action<ClusterProcess> fault)
    {
        using var client = cluster.Client();
        var total = Stopwatch.StartNew();
        var silo = await cluster.SiloOfWorkerAsync("slow-demo");
        var answering = client.PostAsJsonAsync("/v1/chat/completions", Request(stream: false));
        await Eventually.HoldsAsync(() => cluster.WorkerBusyAsync("slow-demo"), "the answer did not start");
        await Task.Delay(IntoTheAnswer);
        fault(silo);
        using var response = await answering;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        var answer = JsonDocument.Parse(body).RootElement;
        var choice = answer.GetProperty("choices")[0];
        return new Streamed(choice.GetProperty("message").GetProperty("content").GetString()!, choice.GetProperty("finish_reason").GetString(), null,
            answer.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), total.Elapsed);
    }

    private sealed record Streamed(string Text, string? FinishReason, string? Error, int CompletionTokens, TimeSpan Took)
    {
        public DateTime? Faulted { get; init; }
    }
}
