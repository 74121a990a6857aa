using Microsoft.AspNetCore.Diagnostics;
using Verge.Orleans.Gateway.Anthropic;

namespace Verge.Orleans.Gateway.OpenAi;

/// <summary>Whatever escapes an endpoint under <c>/v1</c> still answers as an OpenAI error (an Anthropic one on Anthropic's routes) with its proper status.</summary>
internal sealed class OpenAiExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!httpContext.Request.Path.StartsWithSegments("/v1"))
        {
            return false;
        }

        var result = AnthropicRoute.Serves(httpContext) ? AnthropicErrors.ToResult(exception) : OpenAiErrors.ToResult(exception);
        await result.ExecuteAsync(httpContext);
        return true;
    }
}
