using Microsoft.AspNetCore.Diagnostics;

namespace Verge.Orleans.Gateway.Anthropic;

/// <summary>Endpoint metadata: the route speaks Anthropic's API, so its key and unhandled errors take Anthropic's shape.</summary>
internal sealed class AnthropicRoute
{
    public static readonly AnthropicRoute Instance = new();

    private AnthropicRoute()
    {
    }

    /// <summary>Whether the request's endpoint (or, in the exception handler, the endpoint that failed) is Anthropic's.</summary>
    public static bool Serves(HttpContext http) =>
        (http.GetEndpoint() ?? http.Features.Get<IExceptionHandlerFeature>()?.Endpoint)?.Metadata.GetMetadata<AnthropicRoute>() is not null;
}
