using System.Globalization;
using System.Text.Json.Serialization.Metadata;

namespace Verge.Orleans.Gateway.Serving;

/// <summary>An API's error body with its status and <c>Retry-After</c>; a failure nobody anticipated is logged, since the client learns nothing from it.</summary>
internal sealed class ErrorResult<T>(int status, T body, JsonTypeInfo<T> type, int? retryAfter, Exception? unexpected) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        if (unexpected is not null)
        {
            httpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger<ErrorResult<T>>()
                .LogError(unexpected, "Unexpected failure of {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = status;
        if (retryAfter is { } seconds)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        return httpContext.Response.WriteAsJsonAsync(body, type);
    }
}
