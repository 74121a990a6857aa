using Microsoft.AspNetCore.Diagnostics;

namespace Verge.Orleans.Gateway.OpenAi;

/// <summary>Whatever escapes an endpoint under <c>/v1</c> still answers as an OpenAI error with its proper status.</summary>
internal sealed class OpenAiExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!httpContext.Request.Path.StartsWithSegments("/v1"))
        {
            return false;
        }

        await OpenAiErrors.ToResult(exception).ExecuteAsync(httpContext);
        return true;
    }
}
