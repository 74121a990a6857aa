using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Verge.Orleans.Tests.Gateway;
using Xunit.Abstractions;

namespace Verge.Orleans.Tests.Durability;

/// <summary>Two stateless gateway processes in front of one silo on one real PostgreSQL share their users' limits and usage.</summary>
[Collection(PostgresCollection.Name)]
public sealed class LimitClusterTests(PostgresServer postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task TwoGatewaysShareOneRequestLimitAndOneUsageLedger()
    {
        await using var cluster = new ProcessCluster(postgres.ConnectionString);
        try
        {
            cluster.StartSilo();
            await cluster.StartGatewayAsync();
            using var first = cluster.Client();
            await cluster.StartGatewayAsync();
            using var second = cluster.Client();
            await WarmUpAsync(first);
            var (user, _, token) = await LimitedChat.CreateAsync(first, userLimits: new { requestsPerMinute = 3 });

            // Real time: the five requests take a few seconds of the minute's window.
            var replies = new[]
            {
                await LimitedChat.SendAsync(first, token),
                await LimitedChat.SendAsync(second, token, stream: true),
                await LimitedChat.SendAsync(first, token),
                await LimitedChat.SendAsync(second, token),
                await LimitedChat.SendAsync(first, token),
            };
            var report = await second.GetFromJsonAsync<JsonElement>($"/api/v1/usage?user={user}");

            Assert.Equal(
                [HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests],
                replies.Select(r => r.Status));
            Assert.Equal(["2", "1", "0", "0", "0"], replies.Select(r => r.Header("x-ratelimit-remaining-requests")));
            Assert.All(replies[3..], r => Assert.Equal("rate_limit_exceeded", r.Error!.Value.GetProperty("code").GetString()));
            Assert.All(replies[3..], r => Assert.InRange(int.Parse(r.Header("Retry-After")!, System.Globalization.CultureInfo.InvariantCulture), 50, 60));
            var totals = report.GetProperty("totals");
            var served = replies[..3];
            Assert.Equal(
                (3L, served.Sum(r => r.UsageOf("prompt_tokens")), served.Sum(r => r.UsageOf("completion_tokens"))),
                (totals.GetProperty("requests").GetInt64(), totals.GetProperty("promptTokens").GetInt64(), totals.GetProperty("completionTokens").GetInt64()));
        }
        catch
        {
            output.WriteLine(cluster.Output);
            throw;
        }
    }

    /// <summary>The admin (no limits) waits out the demo model's first load.</summary>
    private static async Task WarmUpAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var reply = await LimitedChat.SendAsync(client, GatewayFixture.AdminKey);
            if (reply.Status == HttpStatusCode.OK)
            {
                return;
            }

            Assert.True(reply.Status == HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline, $"warm-up: {(int)reply.Status} {reply.Error}");
            await Task.Delay(200);
        }
    }
}
