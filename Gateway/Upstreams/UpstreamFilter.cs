using System.Text.Json;
using Verge.Orleans.Gateway.Identity;
using Verge.Orleans.Gateway.Limits;
using Verge.Orleans.Gateway.OpenAi;
using Verge.Orleans.Gateway.Operations;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.Upstreams;

/// <summary>
/// On <c>/v1</c>, after the key check: a request whose <c>model</c> is an upstream assistant is checked
/// against the key's allow-list and limits like any other, then forwarded; any other request goes on to
/// its endpoint untouched (its body is read once here and handed on).
/// </summary>
internal sealed class UpstreamFilter(UpstreamAssistants upstreams, UpstreamForwarder forwarder, LimitGate limits, ServingMetrics metrics)
    : IEndpointFilter
{
    private static readonly string[] Forwarded = ["/v1/chat/completions", "/v1/completions", "/v1/embeddings"];

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!HttpMethods.IsPost(http.Request.Method))
        {
            return await next(context);
        }

        var body = await ReadBodyAsync(http.Request, http.RequestAborted);
        if (ModelOf(body) is not { } name || await upstreams.FindAsync(name) is not { Upstream: { } upstream } assistant)
        {
            return await next(context);
        }

        var route = Forwarded.FirstOrDefault(r => http.Request.Path.Equals(r, StringComparison.Ordinal));
        var grant = http.Grant();
        if (route is null || !grant.MayUse(name))
        {
            var refusal = route is null ? ServingException.UpstreamOnly(name) : ServingException.ModelNotFound(name);
            metrics.Refused(name, refusal.Status, http.Request.Path.Value ?? "");
            return OpenAiErrors.ToResult(refusal);
        }

        try
        {
            await limits.AdmitAsync(http.Response, grant, name, http.RequestAborted); // released when the response ends
        }
        catch (ServingException refused)
        {
            metrics.Refused(name, refused.Status, route);
            return OpenAiErrors.ToResult(refused);
        }

        await forwarder.ForwardAsync(http, assistant.Name, upstream, route["/v1".Length..], body);
        return Results.Empty;
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var copy = new MemoryStream(request.ContentLength is { } length and < int.MaxValue ? (int)length : 4096);
        await request.Body.CopyToAsync(copy, cancellationToken);
        var body = copy.ToArray();
        request.Body = new MemoryStream(body, writable: false);
        return body;
    }

    /// <summary>The top-level <c>model</c> string, or null (a body that is no JSON object is the endpoint's to refuse).</summary>
    private static string? ModelOf(byte[] body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isModel = reader.ValueTextEquals("model"u8);
                reader.Read();
                if (isModel)
                {
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }

                reader.Skip();
            }
        }
        catch (Exception unreadable) when (unreadable is JsonException or InvalidOperationException)
        {
            // Not JSON, or a model string that is not valid UTF-8: the endpoint refuses it as a 400.
        }

        return null;
    }
}
