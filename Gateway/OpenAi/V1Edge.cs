using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing.Template;
using Verge.Orleans.Gateway.Anthropic;

namespace Verge.Orleans.Gateway.OpenAi;

/// <summary>
/// What every request under <c>/v1</c> meets before an endpoint: a body-size limit answered at once with
/// 413 (from <c>Content-Length</c>, or while reading a chunked body), and statuses without a body (unknown
/// route 404, wrong method 405, framing Kestrel refused) written as the API's own error object.
/// </summary>
internal static class V1Edge
{
    public const string Setting = "Verge:Gateway:MaxRequestBodyBytes";

    /// <summary>The default limit: a long conversation with tools fits many times over.</summary>
    public const long DefaultMaxBodyBytes = 8 * 1024 * 1024;

    public static bool Serves(HttpContext context) => context.Request.Path.StartsWithSegments("/v1");

    public static RequestDelegate LimitBody(RequestDelegate next, long maxBytes) => async context =>
    {
        if (Serves(context))
        {
            if (context.Request.ContentLength > maxBytes)
            {
                await Error(context, TooLarge(maxBytes));
                return;
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            {
                size.MaxRequestBodySize = maxBytes; // a chunked body over it fails its read with a 413
            }
        }

        await next(context);
    };

    /// <summary>Writes a body for a status an endpoint (or routing) set without one.</summary>
    public static async Task WriteStatusAsync(StatusCodeContext status)
    {
        var context = status.HttpContext;
        if (!Serves(context))
        {
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext { HttpContext = context });
            return;
        }

        var request = context.Request;
        var error = context.Response.StatusCode switch
        {
            404 or 405 => NoSuchRoute(context),
            var other => new BadHttpRequestException(ReasonPhrase(other), other),
        };
        await Error(context, error);
    }

    // Decided from the API's own routes: another endpoint (the console's pages) may have claimed the path first.
    private static BadHttpRequestException NoSuchRoute(HttpContext context)
    {
        var (method, path) = (context.Request.Method, context.Request.Path);
        var allowed = context.RequestServices.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.RoutePattern.RawText?.StartsWith("/v1", StringComparison.Ordinal) == true
                && new TemplateMatcher(new RouteTemplate(endpoint.RoutePattern), []).TryMatch(path, []))
            .SelectMany(endpoint => endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
            .Distinct()
            .ToList();
        if (allowed.Count == 0 || allowed.Contains(method))
        {
            context.Response.Headers.Remove("Allow"); // set for another endpoint's methods
            return new BadHttpRequestException($"Unknown request URL: {method} {path}. Please check the URL for typos.", 404);
        }

        context.Response.Headers.Allow = string.Join(", ", allowed);
        return new BadHttpRequestException($"Method {method} is not allowed on {path}; use {string.Join(" or ", allowed)}.", 405);
    }

    private static BadHttpRequestException TooLarge(long maxBytes) =>
        new($"Request body too large: this server accepts at most {maxBytes} bytes.", StatusCodes.Status413PayloadTooLarge);

    private static Task Error(HttpContext context, Exception error) =>
        (AnthropicRoute.Serves(context) ? AnthropicErrors.ToResult(error) : OpenAiErrors.ToResult(error)).ExecuteAsync(context);

    private static string ReasonPhrase(int status) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase + "." : $"HTTP status {status}.";
}
