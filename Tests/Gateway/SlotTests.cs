using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Verge.Orleans.Tests.Gateway;

/// <summary>Continuous batching and slot release, shown by the engine's counters rather than by timing.</summary>
[Collection(GatewayCollection.Name)]
public sealed class SlotTests(GatewayFixture gateway)
{
    [Fact]
    public async Task EightSimultaneousStreamsCompleteAndShareDecodeSteps()
    {
        var before = await gateway.WorkerOf(GatewayFixture.Demo);

        // ignore_eos keeps each sequence alive for 300 tokens, long enough for all eight to overlap.
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => StreamRawAsync(GatewayFixture.Demo, maxTokens: 300)));

        var after = await gateway.WorkerOf(GatewayFixture.Demo);
        Assert.All(results, r => Assert.Contains("\"completion_tokens\":300", r));
        Assert.All(results, r => Assert.EndsWith("data: [DONE]\n\n", r));
        Assert.Equal(8, after.CompletedRequests - before.CompletedRequests);
        Assert.True(after.SharedSteps > before.SharedSteps, $"no decode step carried two sequences (max per step {after.MaxSequencesPerStep})");
    }

    [Fact]
    public async Task ClientThatDisconnectsMidStreamFreesItsSlot()
    {
        // "solo" has one slot and no queue: while a sequence holds the slot, the next request gets 429.
        var body = """{"model":"solo","stream":true,"ignore_eos":true,"messages":[{"role":"user","content":"hi"}]}""";
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") })
        using (var response = await gateway.Client().SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            for (var i = 0; i < 3; i++)
            {
                Assert.StartsWith("data: {", await reader.ReadLineAsync());
                await reader.ReadLineAsync();
            }

            Assert.Equal(1, (await gateway.WorkerOf(GatewayFixture.Solo)).SlotsBusy);
            Assert.Equal((HttpStatusCode)429, (await PostAsync(GatewayFixture.Solo)).StatusCode);
        }

        await Eventually.HoldsAsync(async () => (await gateway.WorkerOf(GatewayFixture.Solo)).SlotsBusy == 0, "the abandoned sequence's slot was not freed");
        using var next = await PostAsync(GatewayFixture.Solo);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task AStreamWhoseWaitForASlotRunsOutIsRefusedWith429AndRetryAfterNotAnErrorFrame()
    {
        // One slot, a queue of one, a second's wait; a fresh model has no hold time to estimate with, so the
        // second stream is queued, and refused only when its wait runs out.
        var admin = gateway.Client();
        var model = "q-" + Guid.NewGuid().ToString("N")[..8];
        (await admin.PostAsJsonAsync("/api/v1/models", new { name = model, path = TestModels.ScriptedPath, parallel = 1, contextSize = 32768, cores = 1, maxQueue = 1, maxQueueSeconds = 1 }))
            .EnsureSuccessStatusCode();
        var body = $$"""{"model":"{{model}}","stream":true,"ignore_eos":true,"messages":[{"role":"user","content":"hi"}]}""";
        using (var holding = await StreamAsync(body))
        {
            using var reader = new StreamReader(await holding.Content.ReadAsStreamAsync());
            Assert.StartsWith("data: {", await reader.ReadLineAsync());

            using var refused = await StreamAsync(body);

            Assert.Equal((HttpStatusCode)429, refused.StatusCode);
            Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {refused.Headers.RetryAfter}");
            Assert.Contains("\"code\":\"server_busy\"", await refused.Content.ReadAsStringAsync());
        }

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/models/{model}")).StatusCode);
    }

    private Task<HttpResponseMessage> StreamAsync(string body) =>
        gateway.Client().SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") },
            HttpCompletionOption.ResponseHeadersRead);

    private Task<HttpResponseMessage> PostAsync(string model) =>
        gateway.Client().PostAsync("/v1/chat/completions", new StringContent(
            $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));

    private async Task<string> StreamRawAsync(string model, int maxTokens)
    {
        var body = $$"""{"model":"{{model}}","stream":true,"stream_options":{"include_usage":true},"ignore_eos":true,"max_tokens":{{maxTokens}},"temperature":0,"messages":[{"role":"user","content":"hi"}]}""";
        using var response = await gateway.Client().PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        return await response.Content.ReadAsStringAsync();
    }
}
