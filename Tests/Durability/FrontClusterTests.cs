using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace Verge.Orleans.Tests.Durability;

/// <summary>The front over two gateways, as real processes on real PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class FrontClusterTests(PostgresServer postgres, ITestOutputHelper output)
{
    private const string Demo = "verge-demo";
    private const string Replayed = "replaying it on another gateway";

    [Fact]
    public async Task KillingAGatewayLosesNoRequestThatHadNotStartedStreamingAndTheFrontStopsUsingIt()
    {
        await using var cluster = new ProcessCluster(postgres.ConnectionString);
        cluster.StartSilo();
        var victim = await cluster.StartGatewayAsync();
        var victimAddress = cluster.GatewayAddress!;
        await cluster.StartGatewayAsync();
        var front = await cluster.StartFrontAsync(gateways: 2);

        var clock = Stopwatch.StartNew();
        var requests = new List<Task<Outcome>>();
        TimeSpan? crashedAt = null;
        var replaysSoonAfter = -1;
        while (clock.Elapsed < (crashedAt ?? TimeSpan.FromHours(1)) + TimeSpan.FromSeconds(8))
        {
            // Half stream, half not; an answer not streamed may be in flight, or being written, as the gateway dies.
            requests.Add(SendAsync(cluster, clock, stream: requests.Count % 2 == 0));
            if (crashedAt is null && clock.Elapsed > TimeSpan.FromSeconds(1.5))
            {
                victim.Crash();
                crashedAt = clock.Elapsed;
            }
            else if (replaysSoonAfter < 0 && clock.Elapsed > crashedAt + TimeSpan.FromSeconds(4))
            {
                replaysSoonAfter = Replays(front);
            }

            await Task.Delay(150);
        }

        var results = await Task.WhenAll(requests);
        output.WriteLine($"{results.Length} requests, {Replays(front)} replayed; " +
            string.Join(", ", results.GroupBy(r => (r.Stream, r.Completed)).Select(g => $"stream={g.Key.Stream} completed={g.Key.Completed}: {g.Count()}")));
        foreach (var result in results.Where(r => !r.Completed || !r.Stream))
        {
            output.WriteLine(result.ToString());
        }

        output.WriteLine(string.Join('\n', front.Output.Split('\n').Where(line => line.Contains("Gateway", StringComparison.Ordinal))));

        // The front holds a non-streamed answer until it is whole: none may be lost. Streams running on the
        // killed gateway may break; everything sent after the crash is served.
        Assert.All(results.Where(r => !r.Stream), r => Assert.True(r.Completed, r.ToString()));
        Assert.All(results.Where(r => r.Started > crashedAt), r => Assert.True(r.Completed, r.ToString()));
        // The dead gateway was taken out: passively by a request that failed on it (when one was in flight at the
        // crash), else by the active probes of /health/ready. Within four seconds no request went to it any more.
        Assert.True(
            front.Output.Contains($"Gateway {victimAddress} taken out", StringComparison.Ordinal)
                || front.Output.Contains("is set to 'Unhealthy'", StringComparison.Ordinal),
            "the front never took the dead gateway out");
        Assert.Equal(replaysSoonAfter, Replays(front));
    }

    private static int Replays(ClusterProcess front) =>
        front.Output.Split('\n').Count(line => line.Contains(Replayed, StringComparison.Ordinal));

    private static async Task<Outcome> SendAsync(ProcessCluster cluster, Stopwatch clock, bool stream)
    {
        var started = clock.Elapsed;
        using var client = cluster.Client();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Content = JsonContent.Create(new
                {
                    model = Demo, stream, temperature = 0, max_tokens = 100, ignore_eos = !stream,
                    messages = new[] { new { role = "user", content = "hi" } },
                }),
            };
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var body = await response.Content.ReadAsStringAsync();
            var completed = response.IsSuccessStatusCode && (stream
                ? body.TrimEnd().EndsWith("data: [DONE]", StringComparison.Ordinal) && !body.Contains("\"error\"", StringComparison.Ordinal)
                : JsonDocument.Parse(body).RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString() is not null);
            return new Outcome(stream, completed, started, clock.Elapsed, $"{(int)response.StatusCode} {body[..Math.Min(body.Length, 300)]}");
        }
        catch (Exception failure) when (failure is HttpRequestException or IOException or TaskCanceledException)
        {
            return new Outcome(stream, false, started, clock.Elapsed, $"{failure.Message} {failure.InnerException?.Message}");
        }
    }

    private sealed record Outcome(bool Stream, bool Completed, TimeSpan Started, TimeSpan Ended, string Detail);
}
