using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace Verge.Orleans.Tests.Durability;

/// <summary>The cluster mode as real processes on one real PostgreSQL: restarts and a crashed silo.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterDurabilityTests(PostgresServer postgres, ITestOutputHelper output)
{
    private const string Demo = "verge-demo";

    [Fact]
    public async Task EverythingSurvivesRestartingEveryProcess()
    {
        await using var cluster = new ProcessCluster(postgres.ConnectionString);
        var scenario = new DurableScenario();
        await StartAsync(cluster);
        await scenario.WriteAsync(cluster.Client);

        await cluster.StopAllAsync();
        await StartAsync(cluster);

        await scenario.VerifyAsync(cluster.Client);
    }

    [Fact]
    public async Task KillingTheWorkersSiloLosesNoRequestThatHadNotStartedStreaming()
    {
        await using var cluster = new ProcessCluster(postgres.ConnectionString);
        await StartAsync(cluster);
        var victim = await WarmUpAsync(cluster);

        var (results, stoppedAt) = await UnderLoadAsync(cluster, victim.Crash);

        Report(results, stoppedAt, cluster);
        // Only a stream already running on the dead silo may end with an error; everything sent later is served.
        Assert.All(results, r => Assert.True(r.Outcome is StreamOutcome.Completed or StreamOutcome.EndedWithError, r.ToString()));
        Assert.All(results.Where(r => r.Started > stoppedAt), r => Assert.Equal(StreamOutcome.Completed, r.Outcome));
    }

    [Fact]
    public async Task StoppingTheWorkersSiloGracefullyLosesNothing()
    {
        await using var cluster = new ProcessCluster(postgres.ConnectionString);
        await StartAsync(cluster);
        var victim = await WarmUpAsync(cluster);

        var (results, stoppedAt) = await UnderLoadAsync(cluster, () => _ = victim.StopAsync());

        Report(results, stoppedAt, cluster);
        Assert.All(results, r => Assert.True(r.Outcome == StreamOutcome.Completed, r.ToString()));
        Assert.Contains(results, r => r.Started > stoppedAt);
    }

    [Fact]
    public async Task AfterAFullRestartATwoWorkerModelsWorkersSitOnDifferentSilos()
    {
        // A short idle timeout makes the model grain look at its workers' silos every second.
        await using var cluster = new ProcessCluster(postgres.ConnectionString, new Dictionary<string, string> { ["Verge:WorkerIdleTimeout"] = "00:00:04" });
        await StartAsync(cluster);
        using (var client = cluster.Client())
        {
            var created = await client.PostAsJsonAsync("/api/v1/models", new { name = "pair", path = TestModels.ScriptedPath, parallel = 1, contextSize = 512, cores = 1, minWorkers = 2, maxWorkers = 2 });
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        }

        await Eventually.HoldsAsync(async () => (await PairSilosAsync(cluster)) is [var a, var b] && a != b, "two workers on two silos before the restart");

        // The worst order: one silo comes back first and starts both workers, the other joins later.
        await cluster.StopAllAsync();
        cluster.StartSilo(gpu: true);
        await cluster.StartGatewayAsync();
        await Eventually.HoldsAsync(async () => (await PairSilosAsync(cluster)).Length == 2, "two workers after the restart");
        cluster.StartSilo();

        await Eventually.HoldsAsync(async () => (await PairSilosAsync(cluster)) is [var a, var b] && a != b, "two workers on two silos after the restart");
        using var chat = cluster.Client();
        var answer = await chat.PostAsJsonAsync("/v1/chat/completions", new { model = "pair", messages = new[] { new { role = "user", content = "hi" } } });
        Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());
    }

    private static async Task<string[]> PairSilosAsync(ProcessCluster cluster)
    {
        using var client = cluster.Client();
        using var response = await client.GetAsync("/api/v1/workers");
        if (!response.IsSuccessStatusCode)
        {
            return []; // the cluster is still coming up
        }

        var workers = await response.Content.ReadFromJsonAsync<JsonElement>();
        return [.. workers.EnumerateArray().Where(w => w.GetProperty("model").GetString() == "pair").Select(w => w.GetProperty("silo").GetString()!)];
    }

    private static async Task<ClusterProcess> WarmUpAsync(ProcessCluster cluster)
    {
        var first = await StreamAsync(cluster, Stopwatch.StartNew());
        Assert.True(first.Outcome == StreamOutcome.Completed, first.ToString());
        return await cluster.SiloOfWorkerAsync(Demo);
    }

    /// <summary>Steady load (a new streamed request every 100 ms, whatever became of the earlier ones); <paramref name="disrupt"/> 1.5 s in.</summary>
    private static async Task<(List<StreamResult> Results, TimeSpan DisruptedAt)> UnderLoadAsync(ProcessCluster cluster, Action disrupt)
    {
        var clock = Stopwatch.StartNew();
        var requests = new List<Task<StreamResult>>();
        TimeSpan? disruptedAt = null;
        while (clock.Elapsed < (disruptedAt ?? TimeSpan.FromHours(1)) + TimeSpan.FromSeconds(12))
        {
            requests.Add(StreamAsync(cluster, clock));
            if (disruptedAt is null && clock.Elapsed > TimeSpan.FromSeconds(1.5))
            {
                disrupt();
                disruptedAt = clock.Elapsed;
            }

            await Task.Delay(100);
        }

        return ((await Task.WhenAll(requests)).ToList(), disruptedAt!.Value);
    }

    private void Report(List<StreamResult> results, TimeSpan disruptedAt, ProcessCluster cluster)
    {
        var after = results.Where(r => r.Started > disruptedAt).ToList();
        var cut = results.Where(r => r.Outcome == StreamOutcome.EndedWithError).Select(r => (r.Ended - disruptedAt).TotalSeconds).DefaultIfEmpty();
        output.WriteLine($"{results.Count} requests; outcomes: " + string.Join(", ", results.GroupBy(r => r.Outcome).Select(g => $"{g.Key} {g.Count()}")) +
            $"; first request sent after the disruption completed {after.Where(r => r.Outcome == StreamOutcome.Completed).Select(r => (r.Ended - disruptedAt).TotalSeconds).DefaultIfEmpty(double.NaN).Min():F2} s after it" +
            $"; slowest request sent after it took {after.Select(r => (r.Ended - r.Started).TotalSeconds).DefaultIfEmpty().Max():F2} s" +
            $"; streams cut by it ended {cut.Max():F2} s after it");
        foreach (var result in results.Where(r => r.Outcome != StreamOutcome.Completed).Take(10))
        {
            output.WriteLine(result.ToString());
        }

        if (results.Any(r => r.Outcome is StreamOutcome.Refused or StreamOutcome.Broken))
        {
            output.WriteLine(cluster.Output);
        }
    }

    private static async Task StartAsync(ProcessCluster cluster)
    {
        cluster.StartSilo(gpu: true);
        cluster.StartSilo();
        await cluster.StartGatewayAsync();
    }

    /// <summary>One streamed completion, read as a client would, classified by how it ended.</summary>
    private static async Task<StreamResult> StreamAsync(ProcessCluster cluster, Stopwatch clock)
    {
        var started = clock.Elapsed;
        using var client = cluster.Client();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Content = JsonContent.Create(new { model = Demo, stream = true, temperature = 0, messages = new[] { new { role = "user", content = "hi" } } }),
            };
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            if (!response.IsSuccessStatusCode)
            {
                return new StreamResult(StreamOutcome.Refused, started, clock.Elapsed, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }

            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            string? finish = null, error = null;
            while (await reader.ReadLineAsync() is { } line)
            {
                if (line == "data: [DONE]")
                {
                    var outcome = error is not null ? StreamOutcome.EndedWithError : finish is not null ? StreamOutcome.Completed : StreamOutcome.Broken;
                    return new StreamResult(outcome, started, clock.Elapsed, error ?? finish ?? "no finish reason");
                }

                if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    var frame = JsonDocument.Parse(line[6..]).RootElement;
                    if (frame.TryGetProperty("error", out var failure))
                    {
                        error = failure.GetProperty("message").GetString();
                    }
                    else if (frame.GetProperty("choices") is { ValueKind: JsonValueKind.Array } choices && choices.GetArrayLength() > 0
                        && choices[0].GetProperty("finish_reason").ValueKind == JsonValueKind.String)
                    {
                        finish = choices[0].GetProperty("finish_reason").GetString();
                    }
                }
            }

            return new StreamResult(StreamOutcome.Broken, started, clock.Elapsed, "the stream ended without [DONE]");
        }
        catch (Exception failure) when (failure is HttpRequestException or IOException or TaskCanceledException)
        {
            return new StreamResult(StreamOutcome.Broken, started, clock.Elapsed, failure.Message);
        }
    }

    private enum StreamOutcome
    {
        Completed,
        EndedWithError,
        Refused,
        Broken,
    }

    private sealed record StreamResult(StreamOutcome Outcome, TimeSpan Started, TimeSpan Ended, string Detail);
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
