using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Verge.Orleans.Front.Hosting;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Verge.Orleans.Front.Balancing;

/// <summary>
/// A request that a gateway failed before its answer started (the gateway died, refused the connection,
/// or reset it, or died while writing an answer the front holds until it is whole) is sent again to another
/// gateway, once per gateway. Bodies up to
/// <see cref="FrontOptions.MaxReplayBodyBytes"/> are buffered to make that possible: a larger body that
/// declares its length is streamed and never replayed, a larger chunked one is refused with 413. Once the
/// answer has started (a stream's first byte) nothing is replayed.
/// </summary>
internal sealed partial class ReplayOnAnotherHelper(RequestDelegate next, IOptions<FrontOptions> options, ILogger<ReplayOnAnotherHelper> logger)
{
    /// <summary>
    /// Failures in which the client got nothing of the gateway's answer: the gateway could not be reached, failed
    /// before answering, or died while the front read a JSON answer whole (<see cref="WholeAnswers"/>).
    /// </summary>
    public static bool FailedBeforeAnswer(HttpContext context, ForwarderError error) =>
        error is ForwarderError.Request or ForwarderError.RequestTimedOut or ForwarderError.RequestBodyDestination
        || (error is ForwarderError.ResponseHeaders && WholeAnswers.LostMidAnswer(context));

    public async Task InvokeAsync(HttpContext context)
    {
        bool replayable;
        try
        {
            replayable = await ReplayableAsync(context);
        }
        catch (IOException) when (!context.RequestAborted.IsCancellationRequested)
        {
            // A chunked body beyond the replay limit (FileBufferingReadStream's refusal).
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        if (!replayable)
        {
            await next(context);
            return;
        }

        await WholeAnswers.MarkIfRepeatableAsync(context);

        var proxy = context.GetReverseProxyFeature();
        var candidates = proxy.AvailableDestinations;
        var failed = new List<DestinationState>();
        while (true)
        {
            await next(context);
            var error = context.Features.Get<IForwarderErrorFeature>();
            if (error is null || context.Response.HasStarted || !FailedBeforeAnswer(context, error.Error) || proxy.ProxiedDestination is not { } lost)
            {
                return;
            }

            failed.Add(lost);
            var rest = candidates.Where(d => !failed.Contains(d)).ToList();
            if (rest.Count == 0)
            {
                return;
            }

            LogReplay(lost.DestinationId, error.Error, context.Request.Method, context.Request.Path);
            proxy.AvailableDestinations = rest;
            context.Features.Set<IForwarderErrorFeature>(null);
            WholeAnswers.Forget(context);
            context.Response.Clear();
            if (context.Request.Body.CanSeek)
            {
                context.Request.Body.Position = 0;
            }
        }
    }

    private async Task<bool> ReplayableAsync(HttpContext context)
    {
        var request = context.Request;
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != true)
        {
            return true;
        }

        var limit = options.Value.MaxReplayBodyBytes;
        if (request.ContentLength > limit)
        {
            return false;
        }

        request.EnableBuffering(bufferThreshold: 64 * 1024, bufferLimit: limit);
        await request.Body.DrainAsync(context.RequestAborted);
        request.Body.Position = 0;
        return true;
    }

    [LoggerMessage(LogLevel.Warning, "Gateway {Gateway} failed {Error} before answering {Method} {Path}: replaying it on another gateway")]
    private partial void LogReplay(string gateway, ForwarderError error, string method, PathString path);
}
