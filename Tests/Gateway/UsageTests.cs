using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Verge.Orleans.Gateway.Limits;
using Verge.Orleans.Gateway.Operations;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Identity;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Abstractions.Limits;

namespace Verge.Orleans.Tests.Gateway;

/// <summary>Usage accounting: what clients were told they used is what the usage API and /metrics show.</summary>
[Collection(GatewayCollection.Name)]
public sealed class UsageTests(GatewayFixture gateway)
{
    [Fact]
    public async Task UsageEqualsTheSumOfTheUsageObjectsClientsReceived()
    {
        var admin = gateway.Client();
        var (user, keyId, token) = await LimitedChat.CreateAsync(admin);
        var client = gateway.CreateClient();
        var replies = new[]
        {
            await LimitedChat.SendAsync(client, token),
            await LimitedChat.SendAsync(client, token, stream: true),
            await LimitedChat.SendAsync(client, token, content: "hi", n: 2),
            await LimitedChat.SendAsync(client, token, stream: true, content: "Tell me more about llamas, please."),
        };
        var solo = await LimitedChat.SendAsync(client, token, model: GatewayFixture.Solo);

        var report = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/usage?user={user}");

        Assert.All(replies.Append(solo), reply => Assert.Equal(HttpStatusCode.OK, reply.Status));
        var today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var rows = report.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(
            [(today, user, keyId, GatewayFixture.Solo), (today, user, keyId, GatewayFixture.Demo)],
            rows.Select(r => (r.GetProperty("date").GetString(), r.GetProperty("user").GetString(), r.GetProperty("key").GetString(), r.GetProperty("assistant").GetString())));
        var demo = rows[1];
        Assert.Equal(
            (4L, replies.Sum(r => r.UsageOf("prompt_tokens")), replies.Sum(r => r.CachedTokens), replies.Sum(r => r.UsageOf("completion_tokens"))),
            (demo.GetProperty("requests").GetInt64(), demo.GetProperty("promptTokens").GetInt64(), demo.GetProperty("cachedTokens").GetInt64(), demo.GetProperty("completionTokens").GetInt64()));
        var totals = report.GetProperty("totals");
        var all = replies.Append(solo).ToArray();
        Assert.Equal(
            (5L, all.Sum(r => r.UsageOf("prompt_tokens")), all.Sum(r => r.CachedTokens), all.Sum(r => r.UsageOf("completion_tokens"))),
            (totals.GetProperty("requests").GetInt64(), totals.GetProperty("promptTokens").GetInt64(), totals.GetProperty("cachedTokens").GetInt64(), totals.GetProperty("completionTokens").GetInt64()));

        var metrics = await gateway.Client(key: null).GetStringAsync("/metrics");
        var completion = all.Sum(r => r.UsageOf("completion_tokens"));
        Assert.Matches($"verge_usage_tokens_total\\{{(?=[^}}]*user=\"{user}\")(?=[^}}]*kind=\"completion\")[^}}]*assistant=\"{GatewayFixture.Demo}\"[^}}]*\\}} {replies.Sum(r => r.UsageOf("completion_tokens"))}\\b", metrics);
        Assert.Matches($"verge_usage_requests_total\\{{(?=[^}}]*user=\"{user}\")[^}}]*assistant=\"{GatewayFixture.Solo}\"[^}}]*\\}} 1\\b", metrics);
        Assert.DoesNotContain(keyId, metrics, StringComparison.Ordinal);
        Assert.True(completion > 0);
    }

    [Fact]
    public async Task NormalUsersSeeOnlyTheirOwnUsageAndAdminsFilter()
    {
        var admin = gateway.Client();
        var (alice, aliceKey, aliceToken) = await LimitedChat.CreateAsync(admin);
        var (bob, _, bobToken) = await LimitedChat.CreateAsync(admin);
        var client = gateway.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await LimitedChat.SendAsync(client, aliceToken)).Status);
        Assert.Equal(HttpStatusCode.OK, (await LimitedChat.SendAsync(client, bobToken)).Status);
        Assert.Equal(HttpStatusCode.OK, (await LimitedChat.SendAsync(client, bobToken)).Status);
        var asAlice = gateway.Client(aliceToken);

        var own = await asAlice.GetFromJsonAsync<JsonElement>("/api/v1/usage");
        var othersRefused = await asAlice.GetAsync($"/api/v1/usage?user={bob}");
        var byAdmin = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/usage?user={bob}&assistant={GatewayFixture.Demo}");
        var byKey = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/usage?key={aliceKey}");
        var badDate = await admin.GetAsync("/api/v1/usage?from=yesterday");

        Assert.Equal([(alice, 1L)], own.GetProperty("rows").EnumerateArray().Select(r => (r.GetProperty("user").GetString(), r.GetProperty("requests").GetInt64())));
        Assert.Equal(HttpStatusCode.Forbidden, othersRefused.StatusCode);
        Assert.Equal([(bob, 2L)], byAdmin.GetProperty("rows").EnumerateArray().Select(r => (r.GetProperty("user").GetString(), r.GetProperty("requests").GetInt64())));
        Assert.Equal([alice], byKey.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("user").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, badDate.StatusCode);
        Assert.True((await badDate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("from", out _));
    }

    [Fact]
    public async Task AnAnswerGeneratedAgainAfterALostNodeCountsOnce()
    {
        var (user, key) = ("retried-" + Guid.NewGuid().ToString("N")[..8], Guid.NewGuid().ToString("N")[..16]);
        var grains = gateway.Grains;
        var admission = new Admission(
            grains, grains.GetGrain<ILimiterGrain>(LimitKeys.UserLimiter(user)), grains.GetGrain<ILimiterGrain>(LimitKeys.KeyLimiter(key)),
            Guid.NewGuid().ToString("N"), new ApiKeyGrant { KeyId = key, User = user }, GatewayFixture.Demo,
            gateway.Services.GetRequiredService<UsageMetrics>(), TimeProvider.System, NullLogger.Instance);
        var summary = new GenerationSummary { PromptTokens = 7, PromptEvaluated = 5, CompletionTokens = 4 };

        // Attempt one: the first of two choices ends, then the node is lost; attempt two completes; a stray third completes too.
        await DrainAsync(admission.Meter(Events(Summarised(summary, 0)), choices: 2));
        await DrainAsync(admission.Meter(Events(Summarised(summary, 0), Summarised(summary with { CompletionTokens = 6 }, 1)), choices: 2));
        await DrainAsync(admission.Meter(Events(Summarised(summary, 0), Summarised(summary, 1)), choices: 2));
        await admission.DisposeAsync();

        var rows = await grains.GetGrain<IUsageGrain>(LimitKeys.UsageDay(user, DateOnly.FromDateTime(DateTime.UtcNow))).GetAsync();
        Assert.Equal([(key, 1L, 7L, 2L, 10L)], rows.Select(r => (r.Key, r.Requests, r.PromptTokens, r.CachedTokens, r.CompletionTokens)));
    }

    private static GenerationEvent Summarised(GenerationSummary summary, int choice) =>
        new(GenerationEventKind.Finished, Summary: summary with { Choice = choice }) { Choice = choice };

    private static async IAsyncEnumerator<GenerationEvent> Events(params GenerationEvent[] events)
    {
        foreach (var update in events)
        {
            await Task.Yield();
            yield return update;
        }
    }

    private static async Task DrainAsync(IAsyncEnumerator<GenerationEvent> events)
    {
        await using (events)
        {
            while (await events.MoveNextAsync())
            {
            }
        }
    }
}
