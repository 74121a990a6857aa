using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Verge.Orleans.Gateway.Hosting;
using Verge.Orleans.Hosting;
using Verge.Orleans.Silo.Hosting;

namespace Verge.Orleans.Tests.Gateway;

/// <summary>What operators watch: the Orleans Dashboard, /metrics, traces, health.</summary>
[Collection(GatewayCollection.Name)]
public sealed class OperationsTests(GatewayFixture gateway)
{
    [Fact]
    public async Task DashboardOpensForAdminsOnly()
    {
        var user = "ops-" + Guid.NewGuid().ToString("N")[..8];
        await gateway.Client().PostAsJsonAsync("/api/v1/users", new { name = user });
        var created = await gateway.Client().PostAsJsonAsync($"/api/v1/users/{user}/keys", new { name = "k" });
        var normalKey = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString();

        var admin = await gateway.Client().GetAsync("/dashboard/");
        var anonymous = await gateway.Client(key: null).GetAsync("/dashboard/");
        var normal = await gateway.Client(normalKey).GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Contains("<html", await admin.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, normal.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await gateway.Client(key: null).GetAsync("/dashboard/DashboardCounters")).StatusCode);
    }

    [Fact]
    public async Task LoginSetsACookieThatOpensTheDashboard()
    {
        var browser = gateway.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });

        var refused = await browser.PostAsync("/dashboard/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = "vk_0000000000000000_nope" }));
        var login = await browser.PostAsync("/dashboard/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = GatewayFixture.AdminKey }));
        var page = await browser.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Contains("httponly", login.Headers.GetValues("Set-Cookie").Single(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/v1/models")).StatusCode); // the cookie opens the dashboard only
    }

    [Fact]
    public async Task MetricsShowTheRequestItsTokensAndTimeToFirstToken()
    {
        var answer = await gateway.Chat(GatewayFixture.Solo).CompleteChatAsync([new UserChatMessage("hi")], new ChatCompletionOptions { Temperature = 0 });

        var metrics = await gateway.Client(key: null).GetStringAsync("/metrics");

        Assert.Matches("verge_requests_total\\{[^}]*assistant=\"solo\"[^}]*route=\"/v1/chat/completions\"[^}]*status=\"200\"[^}]*\\} [1-9]", metrics);
        Assert.Matches($"verge_generation_tokens_total\\{{[^}}]*assistant=\"solo\"[^}}]*\\}} [1-9]", metrics);
        Assert.Matches("verge_time_to_first_token_seconds_count\\{[^}]*assistant=\"solo\"[^}]*\\} [1-9]", metrics);
        Assert.Contains("verge_e2e_request_latency_seconds_bucket", metrics);
        Assert.Contains("http_server_request_duration_seconds", metrics);
        Assert.True(answer.Value.Usage.OutputTokenCount > 0);
    }

    [Fact]
    public async Task MetricsShowThePromptCacheOfEachWorker()
    {
        await gateway.Chat(GatewayFixture.Solo).CompleteChatAsync([new UserChatMessage("hi")], new ChatCompletionOptions { Temperature = 0 });
        var worker = await gateway.WorkerOf(GatewayFixture.Solo);
        var metrics = "";

        var mine = $"verge_prompt_cache_misses_total\\{{[^}}]*worker=\"{worker.Worker}\"[^}}]*\\}} [0-9]";

        // The gateway reads the workers' status every few seconds.
        await Eventually.HoldsAsync(async () =>
            System.Text.RegularExpressions.Regex.IsMatch(metrics = await gateway.Client(key: null).GetStringAsync("/metrics"), mine),
            $"the prompt cache counters of {worker.Worker} did not reach /metrics");

        Assert.True(worker.PromptCacheHits + worker.PromptCacheMisses > 0);
        Assert.Contains("verge_prompt_cache_hits_total{", metrics);
        Assert.Contains("verge_prompt_cache_evictions_total{", metrics);
        Assert.Contains("verge_prompt_cache_bytes{", metrics);
    }

    [Fact]
    public async Task AnEngineSpanDescendsFromTheHttpSpanOfItsRequest()
    {
        var spans = new List<Activity>();
        await using var traced = gateway.Isolated(builder =>
        {
            // What OTEL_EXPORTER_OTLP_ENDPOINT turns on, with an in-memory exporter instead.
            builder.ConfigureTestServices(services => services.AddOpenTelemetry().WithTracing(tracing =>
            {
                tracing.AddSource(TelemetryExtensions.TraceSources).AddInMemoryExporter(spans);
                OperationsExtensions.TraceHttp(tracing);
            }));
        });
        var client = traced.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", GatewayFixture.AdminKey);

        // Our own trace id: spans of other tests' requests (listeners are process-wide) cannot be mistaken for ours.
        var trace = ActivityTraceId.CreateRandom();
        client.DefaultRequestHeaders.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");

        var response = await client.PostAsJsonAsync("/v1/chat/completions", new { model = GatewayFixture.Demo, messages = new[] { new { role = "user", content = "hi" } } });
        response.EnsureSuccessStatusCode();
        await ScalingWait(() => Snapshot(spans) is var seen
            && seen.Any(s => s.TraceId == trace && s.DisplayName == "verge.decode") && seen.Any(s => s.TraceId == trace && s.Source.Name == "Microsoft.AspNetCore"));
        var snapshot = Snapshot(spans).Where(s => s.TraceId == trace).ToList();

        var http = snapshot.Single(s => s.Source.Name == "Microsoft.AspNetCore");
        var prefill = snapshot.Single(s => s.DisplayName == "verge.prefill");
        var bySpan = snapshot.ToDictionary(s => s.SpanId);
        var chain = new List<string>();
        for (var span = prefill; span is not null; span = bySpan.GetValueOrDefault(span.ParentSpanId))
        {
            chain.Add(span.DisplayName);
            if (span.SpanId == http.SpanId)
            {
                break;
            }
        }

        Assert.Equal(http.DisplayName, chain[^1]);
        Assert.Contains("verge.generate", chain);
    }

    [Fact]
    public async Task HealthAnswersWithoutAKey()
    {
        Assert.Equal(HttpStatusCode.OK, (await gateway.Client(key: null).GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gateway.Client(key: null).GetAsync("/health/ready")).StatusCode);
    }

    // The exporter appends from its own thread: copy until a copy was not disturbed.
    private static Activity[] Snapshot(List<Activity> spans)
    {
        while (true)
        {
            try
            {
                return [.. spans];
            }
            catch (InvalidOperationException)
            {
            }
        }
    }

    private static Task ScalingWait(Func<bool> condition) => Eventually.HoldsAsync(() => Task.FromResult(condition()));
}
