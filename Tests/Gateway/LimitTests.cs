using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Limits;

namespace Verge.Orleans.Tests.Gateway;

/// <summary>Rate limits and budgets, each on a gateway of its own whose limit windows run on a fake clock.</summary>
[Collection(GatewayCollection.Name)]
public sealed class LimitTests(GatewayFixture gateway)
{
    // 22:00 UTC: the daily budget renews two hours later.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 22, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task RequestsPerMinuteRefuseWith429UntilTheOldestRequestLeavesTheWindow()
    {
        await using var limited = Start();
        var client = limited.CreateClient();
        var (_, _, token) = await LimitedChat.CreateAsync(Admin(limited), keyLimits: new { requestsPerMinute = 2 });

        var first = await LimitedChat.SendAsync(client, token);
        _time.Advance(TimeSpan.FromSeconds(10));
        var second = await LimitedChat.SendAsync(client, token, stream: true);
        var refused = await LimitedChat.SendAsync(client, token);
        _time.Advance(TimeSpan.FromSeconds(49));
        var stillRefused = await LimitedChat.SendAsync(client, token);
        _time.Advance(TimeSpan.FromSeconds(1));
        var passes = await LimitedChat.SendAsync(client, token);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(("2", "1", "1m0s"), (first.Header("x-ratelimit-limit-requests"), first.Header("x-ratelimit-remaining-requests"), first.Header("x-ratelimit-reset-requests")));
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(("2", "0", "1m0s"), (second.Header("x-ratelimit-limit-requests"), second.Header("x-ratelimit-remaining-requests"), second.Header("x-ratelimit-reset-requests")));
        AssertRefused(refused, "rate_limit_exceeded", "rate_limit_error", retryAfter: 50);
        Assert.Equal(("2", "0"), (refused.Header("x-ratelimit-limit-requests"), refused.Header("x-ratelimit-remaining-requests")));
        AssertRefused(stillRefused, "rate_limit_exceeded", "rate_limit_error", retryAfter: 1);
        Assert.Equal(HttpStatusCode.OK, passes.Status);
        Assert.Equal("0", passes.Header("x-ratelimit-remaining-requests"));
    }

    [Fact]
    public async Task TokensPerMinuteCountPromptAndCompletionAndRefuseUntilTheyLeaveTheWindow()
    {
        await using var limited = Start();
        var client = limited.CreateClient();
        var (_, _, token) = await LimitedChat.CreateAsync(Admin(limited), userLimits: new { tokensPerMinute = 10 });

        var first = await LimitedChat.SendAsync(client, token);
        var refused = await LimitedChat.SendAsync(client, token);
        _time.Advance(TimeSpan.FromSeconds(60));
        var passes = await LimitedChat.SendAsync(client, token);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.True(first.UsageOf("total_tokens") > 10, "the first answer must spend the whole minute's tokens");
        Assert.Equal(("10", "10", "0s"), (first.Header("x-ratelimit-limit-tokens"), first.Header("x-ratelimit-remaining-tokens"), first.Header("x-ratelimit-reset-tokens")));
        Assert.Null(first.Header("x-ratelimit-limit-requests"));
        AssertRefused(refused, "rate_limit_exceeded", "rate_limit_error", retryAfter: 60);
        Assert.Equal(("10", "0", "1m0s"), (refused.Header("x-ratelimit-limit-tokens"), refused.Header("x-ratelimit-remaining-tokens"), refused.Header("x-ratelimit-reset-tokens")));
        Assert.Equal(HttpStatusCode.OK, passes.Status);
    }

    [Fact]
    public async Task ConcurrentRequestsHeldAnywhereInTheClusterRefuseUntilOneEnds()
    {
        await using var limited = Start();
        var client = limited.CreateClient();
        var limits = new UsageLimits { ConcurrentRequests = 1 };
        var (_, keyId, token) = await LimitedChat.CreateAsync(Admin(limited), keyLimits: new { concurrentRequests = 1 });
        // Another gateway's request still running on this key.
        var limiter = limited.Services.GetRequiredService<IGrainFactory>().GetGrain<ILimiterGrain>(LimitKeys.KeyLimiter(keyId));
        Assert.True((await limiter.AcquireAsync("elsewhere", limits)).Admitted);

        var refused = await LimitedChat.SendAsync(client, token);
        await limiter.ReleaseAsync("elsewhere", 0);
        var unknownModel = await LimitedChat.SendAsync(client, token, model: "no-such-assistant");
        var sequential = new List<LimitedChat.Reply>();
        for (var i = 0; i < 3; i++)
        {
            sequential.Add(await LimitedChat.SendAsync(client, token, stream: i % 2 == 0));
        }

        AssertRefused(refused, "rate_limit_exceeded", "rate_limit_error", retryAfter: 1);
        Assert.Equal(HttpStatusCode.NotFound, unknownModel.Status);
        Assert.All(sequential, reply => Assert.Equal(HttpStatusCode.OK, reply.Status));
        Assert.True((await limiter.AcquireAsync("after", limits)).Admitted, "a finished request still holds its concurrency");
    }

    [Fact]
    public async Task HardDailyBudgetRefusesWithInsufficientQuotaUntilTheUtcDayEnds()
    {
        await using var limited = Start();
        var client = limited.CreateClient();
        var (_, _, token) = await LimitedChat.CreateAsync(Admin(limited), userLimits: new { dailyTokenBudget = 10, budgetMode = "hard" });

        var first = await LimitedChat.SendAsync(client, token);
        _time.Advance(TimeSpan.FromHours(1));
        var refused = await LimitedChat.SendAsync(client, token);
        _time.Advance(TimeSpan.FromSeconds(3599));
        var lastSecond = await LimitedChat.SendAsync(client, token);
        _time.Advance(TimeSpan.FromSeconds(1));
        var nextDay = await LimitedChat.SendAsync(client, token);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        AssertRefused(refused, "insufficient_quota", "insufficient_quota", retryAfter: 3600);
        Assert.Contains("daily token budget of 10 tokens", refused.Error!.Value.GetProperty("message").GetString(), StringComparison.Ordinal);
        AssertRefused(lastSecond, "insufficient_quota", "insufficient_quota", retryAfter: 1);
        Assert.Equal(HttpStatusCode.OK, nextDay.Status);
    }

    [Fact]
    public async Task HardMonthlyBudgetOutlivesTheDayAndRenewsWithTheUtcMonth()
    {
        await using var limited = Start();
        var client = limited.CreateClient();
        var (_, _, token) = await LimitedChat.CreateAsync(Admin(limited), keyLimits: new { monthlyTokenBudget = 10 });

        var first = await LimitedChat.SendAsync(client, token);
        _time.Advance(TimeSpan.FromDays(1));
        var nextDay = await LimitedChat.SendAsync(client, token);
        _time.Advance(TimeSpan.FromDays(29) + TimeSpan.FromHours(2));
        var nextMonth = await LimitedChat.SendAsync(client, token);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        AssertRefused(nextDay, "insufficient_quota", "insufficient_quota", retryAfter: (29 * 24 + 2) * 3600);
        Assert.Equal(HttpStatusCode.OK, nextMonth.Status);
    }

    [Fact]
    public async Task SoftBudgetsOnlyWarn()
    {
        await using var limited = Start();
        var client = limited.CreateClient();
        var (_, _, token) = await LimitedChat.CreateAsync(Admin(limited), keyLimits: new { dailyTokenBudget = 10, monthlyTokenBudget = 5, budgetMode = "soft" });

        var first = await LimitedChat.SendAsync(client, token);
        var second = await LimitedChat.SendAsync(client, token, stream: true);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Null(first.Header("x-verge-budget-warning"));
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.StartsWith("The daily token budget of 10 tokens is spent", second.Header("x-verge-budget-warning"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LimitsAreValidatedNamingTheFieldAndShownOnTheKey()
    {
        var admin = gateway.Client();
        var user = "limited-" + Guid.NewGuid().ToString("N")[..8];

        var badUser = await admin.PostAsJsonAsync("/api/v1/users", new { name = user, limits = new { requestsPerMinute = 0, budgetMode = "sometimes" } });
        var created = await admin.PostAsJsonAsync("/api/v1/users", new { name = user, limits = new { tokensPerMinute = 1000 } });
        var badKey = await admin.PostAsJsonAsync($"/api/v1/users/{user}/keys", new { name = "k", limits = new { concurrentRequests = -1 } });
        var key = await admin.PostAsJsonAsync($"/api/v1/users/{user}/keys", new { name = "k", limits = new { requestsPerMinute = 5, budgetMode = "soft" } });

        Assert.Equal(HttpStatusCode.BadRequest, badUser.StatusCode);
        var errors = (await badUser.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["limits.budgetMode", "limits.requestsPerMinute"], errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(1000, (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("limits").GetProperty("tokensPerMinute").GetInt64());
        Assert.Equal(HttpStatusCode.BadRequest, badKey.StatusCode);
        Assert.True((await badKey.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("limits.concurrentRequests", out _));
        var keyLimits = (await key.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("limits");
        Assert.Equal((5, "Soft"), (keyLimits.GetProperty("requestsPerMinute").GetInt32(), keyLimits.GetProperty("budgetMode").GetString()));
    }

    private WebApplicationFactory<Standalone.Program> Start() =>
        gateway.Isolated(builder => builder.ConfigureTestServices(services => services.AddKeyedSingleton<TimeProvider>(LimitKeys.Clock, _time)));

    private static HttpClient Admin(WebApplicationFactory<Standalone.Program> factory)
    {
        var admin = factory.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new("Bearer", GatewayFixture.AdminKey);
        return admin;
    }

    private static void AssertRefused(LimitedChat.Reply reply, string code, string type, int retryAfter)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, reply.Status);
        Assert.Equal(code, reply.Error!.Value.GetProperty("code").GetString());
        Assert.Equal(type, reply.Error!.Value.GetProperty("type").GetString());
        Assert.Equal(retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture), reply.Header("Retry-After"));
    }
}
