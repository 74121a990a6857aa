using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Verge.Orleans.Front.Balancing;
using Verge.Orleans.Front.Hosting;
using Verge.Orleans.Tests.Gateway;
using Yarp.ReverseProxy.Configuration;

namespace Verge.Orleans.Tests.Front;

/// <summary>The front's YARP pipeline in process, over two gateways played by loopback servers that fail on cue.</summary>
public sealed class WholeAnswerTests
{
    [Fact]
    public async Task AGatewayDyingWhileWritingAJsonAnswerSendsTheClientNothingAndAnotherGatewayAnswers()
    {
        var deaths = 0;
        string? dead = null;
        async Task Answer(HttpContext context, string name)
        {
            context.Response.ContentType = "application/json";
            if (Interlocked.Increment(ref deaths) == 1)
            {
                dead = name;
                await context.Response.WriteAsync("{\"id\":\"chatcmpl-1\",\"choices\":[{\"message\":{\"content\":\"The ans");
                await context.Response.Body.FlushAsync();
                await Task.Delay(500); // the front has the headers and the start of the body: then the gateway dies
                context.Abort();
                return;
            }

            await context.Response.WriteAsync($"{{\"id\":\"chatcmpl-2\",\"served_by\":\"{name}\"}}");
        }

        await using var a = await GatewayAsync(context => Answer(context, "a"));
        await using var b = await GatewayAsync(context => Answer(context, "b"));
        await using var front = await FrontAsync(a, b);

        using var response = await front.Client.PostAsJsonAsync("/v1/chat/completions", new { model = "m" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var other = dead == "a" ? "b" : "a";
        Assert.Equal($"{{\"id\":\"chatcmpl-2\",\"served_by\":\"{other}\"}}", await response.Content.ReadAsStringAsync());
        Assert.Equal((1, 1), (a.Requests, b.Requests));
    }

    [Fact]
    public async Task AnAnswerThatRecordedASessionTurnIsNotRunTwice()
    {
        var requests = 0;
        async Task Answer(HttpContext context)
        {
            Interlocked.Increment(ref requests);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"id\":\"chatcmpl-1\",\"choices\":[{\"message\":{\"content\":\"The ans");
            await context.Response.Body.FlushAsync();
            await Task.Delay(500);
            context.Abort();
        }

        await using var a = await GatewayAsync(Answer);
        await using var b = await GatewayAsync(Answer);
        await using var front = await FrontAsync(a, b);

        // The gateway stores a session's turn before it writes the answer: a second run would store it twice.
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var response = await front.Client.PostAsJsonAsync("/v1/chat/completions", new { model = "m", session_id = "s1" });
            await response.Content.ReadAsStringAsync();
        });
        Assert.Equal(1, requests);
    }

    [Fact]
    public async Task AStreamGoesThroughAsItComes()
    {
        var firstEventRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task Stream(HttpContext context)
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: {\"n\":1}\n\n");
            await context.Response.Body.FlushAsync();
            await firstEventRead.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await context.Response.WriteAsync("data: [DONE]\n\n");
        }

        await using var a = await GatewayAsync(Stream);
        await using var b = await GatewayAsync(Stream);
        await using var front = await FrontAsync(a, b);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(new { stream = true }) };
        using var response = await front.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        Assert.Equal("data: {\"n\":1}", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        firstEventRead.SetResult();
        Assert.Equal("data: [DONE]", (await reader.ReadToEndAsync()).Trim());
    }

    [Fact]
    public async Task AJsonAnswerLongerThanTheBoundGoesThroughWhole()
    {
        var text = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"{i % 10}"));
        async Task Long(HttpContext context)
        {
            context.Response.ContentType = "application/json";
            foreach (var chunk in $"{{\"text\":\"{text}\"}}".Chunk(1000))
            {
                await context.Response.WriteAsync(new string(chunk));
                await context.Response.Body.FlushAsync();
            }
        }

        await using var a = await GatewayAsync(Long);
        await using var b = await GatewayAsync(Long);
        await using var front = await FrontAsync(a, b, wholeAnswerBytes: 4096);

        var answer = await front.Client.GetFromJsonAsync<Dictionary<string, string>>("/v1/models");

        Assert.Equal(text, answer!["text"]);
    }

    private static async Task<FakeGateway> GatewayAsync(Func<HttpContext, Task> answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{GatewayFixture.FreePort()}");
        var app = builder.Build();
        var gateway = new FakeGateway(app);
        app.MapGet("/health/ready", () => "ready");
        app.Map("/v1/{**rest}", context =>
        {
            Interlocked.Increment(ref gateway.RequestCount);
            return answer(context);
        });
        await app.StartAsync();
        return gateway;
    }

    private static async Task<Front> FrontAsync(FakeGateway a, FakeGateway b, long? wholeAnswerBytes = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{GatewayFixture.FreePort()}");
        if (wholeAnswerBytes is { } bound)
        {
            builder.Configuration[$"{FrontOptions.Section}:{nameof(FrontOptions.MaxWholeAnswerBytes)}"] = bound.ToString();
        }

        builder.AddFrontProxy();
        var app = builder.Build();
        app.MapVergeFront();
        await app.StartAsync();
        var destinations = new Dictionary<string, string> { ["a"] = a.Address, ["b"] = b.Address };
        app.Services.GetRequiredService<InMemoryConfigProvider>().Update(HelperCluster.Routes, [HelperCluster.Cluster(destinations, new FrontOptions())]);
        return new Front(app);
    }

    private sealed class FakeGateway(WebApplication app) : IAsyncDisposable
    {
        public int RequestCount;

        public int Requests => Volatile.Read(ref RequestCount);

        public string Address => app.Urls.Single() + "/";

        public ValueTask DisposeAsync() => app.DisposeAsync();
    }

    private sealed class Front(WebApplication app) : IAsyncDisposable
    {
        public HttpClient Client { get; } = new() { BaseAddress = new Uri(app.Urls.Single()), Timeout = TimeSpan.FromSeconds(30) };

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await app.DisposeAsync();
        }
    }
}
