using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Verge.Orleans.Gateway.OpenAi;
using Verge.Orleans.Gateway.Operations;
using Verge.Orleans.Grains.Abstractions.Catalog;
using Verge.Orleans.Grains.Abstractions.Inference;
using Yarp.ReverseProxy.Forwarder;

namespace Verge.Orleans.Gateway.Upstreams;

/// <summary>
/// Sends a request to an assistant's upstream through YARP's forwarder: <c>model</c> rewritten to the
/// upstream's, the client's key replaced by the upstream's, the answer streamed back as it comes (SSE
/// included, nothing buffered). An upstream that cannot be reached or stays silent past its timeout is a
/// 502 or 504 naming the assistant.
/// </summary>
internal sealed partial class UpstreamForwarder(IHttpForwarder forwarder, UpstreamKeyProtector keys, ServingMetrics metrics, ILogger<UpstreamForwarder> logger)
    : IDisposable
{
    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
    });

    public async Task ForwardAsync(HttpContext http, string assistant, UpstreamSpec upstream, string route, byte[] body)
    {
        var started = Stopwatch.GetTimestamp();
        var rewritten = JsonNode.Parse(body)!.AsObject();
        rewritten["model"] = upstream.Model;
        http.Request.Body = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(rewritten.ToJsonString()), writable: false);
        http.Request.ContentLength = http.Request.Body.Length;

        var apiKey = upstream.EncryptedApiKey is { } sealedKey ? keys.Unprotect(assistant, sealedKey) : null;
        var timeout = TimeSpan.FromSeconds(Math.Max(1, upstream.TimeoutSeconds));
        var error = await forwarder.SendAsync(http, upstream.BaseUrl, _client, new ForwarderRequestConfig { ActivityTimeout = timeout },
            new UpstreamTransformer(upstream.BaseUrl, route, apiKey));

        var status = http.Response.StatusCode;
        if (error != ForwarderError.None && !http.Response.HasStarted)
        {
            var timedOut = error == ForwarderError.RequestTimedOut;
            var failure = timedOut
                ? new ServingException(504, "upstream_timeout", $"The upstream server of assistant '{assistant}' did not answer within {timeout.TotalSeconds:0} s.", "model")
                : new ServingException(502, "upstream_unavailable", $"The upstream server of assistant '{assistant}' could not be reached ({error}).", "model");
            http.Response.Clear();
            await OpenAiErrors.ToResult(failure).ExecuteAsync(http);
            status = failure.Status;
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        metrics.Forwarded(assistant, upstream.Model, status, "/v1" + route, elapsed);
        LogForwarded(assistant, upstream.Model, "/v1" + route, status, error, elapsed.TotalMilliseconds);
    }

    public void Dispose() => _client.Dispose();

    // Never the keys, never the prompt.
    [LoggerMessage(LogLevel.Information, "{Assistant} forwarded to its upstream as {UpstreamModel} on {Route}: {Status} ({Error}) in {ElapsedMs:F0} ms")]
    private partial void LogForwarded(string assistant, string upstreamModel, string route, int status, ForwarderError error, double elapsedMs);

    /// <summary>The upstream's URL and key in place of ours; everything else of the request and answer passes as it is.</summary>
    private sealed class UpstreamTransformer(string baseUrl, string route, string? apiKey) : HttpTransformer
    {
        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
            proxyRequest.RequestUri = new Uri(baseUrl.TrimEnd('/') + route);
            proxyRequest.Headers.Host = null;
            proxyRequest.Headers.Authorization = apiKey is null ? null : new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
            proxyRequest.Headers.Remove("x-api-key");
            proxyRequest.Headers.Remove("Cookie");
        }
    }
}
