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
        Assert.Equal(StreamOutcome.Completed, (await StreamAsync(cluster)).Outcome);
        var victim = await cluster.SiloOfWorkerAsync(Demo);

        // Steady load: a new streamed request every 50 ms, whatever became of the earlier ones.
        var clock = Stopwatch.StartNew();
        var requests = new List<Task<StreamResult>>();
        TimeSpan? killedAt = null;
        while (clock.Elapsed < (killedAt ?? TimeSpan.FromHours(1)) + TimeSpan.FromSeconds(15))
        {
            requests.Add(StreamAsync(cluster, clock));
            if (killedAt is null && clock.Elapsed > TimeSpan.FromSeconds(1.5))
            {
                victim.Crash();
                killedAt = clock.Elapsed;
            }

            await Task.Delay(50);
        }

        var results = (await Task.WhenAll(requests)).ToList();
        var recovered = results.Where(r => r.Started > killedAt && r.Outcome == StreamOutcome.Completed).Min(r => (TimeSpan?)r.Ended);
        output.WriteLine($"{results.Count} requests; killed at {killedAt:g}; outcomes: " +
            string.Join(", ", results.GroupBy(r => r.Outcome).Select(g => $"{g.Key} {g.Count()}")) +
            $"; first request sent after the kill completed {(recovered - killedAt)?.TotalSeconds:F2} s after it" +
            $"; slowest request sent after the kill took {results.Where(r => r.Started > killedAt).Max(r => r.Ended - r.Started).TotalSeconds:F2} s" +
            $"; streams cut by the kill ended {results.Where(r => r.Outcome == StreamOutcome.EndedWithError).Select(r => (r.Ended - killedAt!.Value).TotalSeconds).DefaultIfEmpty().Max():F2} s after it");
        foreach (var result in results.Where(r => r.Outcome != StreamOutcome.Completed).Take(10))
        {
            output.WriteLine(result.ToString());
        }

        if (results.Any(r => r.Outcome is StreamOutcome.Refused or StreamOutcome.Broken))
        {
            output.WriteLine(cluster.Output);
        }

        Assert.All(results, r => Assert.True(r.Outcome is StreamOutcome.Completed or StreamOutcome.EndedWithError, r.ToString()));
        Assert.NotNull(recovered);
    }

    private static async Task StartAsync(ProcessCluster cluster)
    {
        cluster.StartSilo(gpu: true);
        cluster.StartSilo();
        await cluster.StartGatewayAsync();
    }

    /// <summary>One streamed completion, read as a client would, classified by how it ended.</summary>
    private static async Task<StreamResult> StreamAsync(ProcessCluster cluster, Stopwatch? clock = null)
    {
        clock ??= Stopwatch.StartNew();
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
