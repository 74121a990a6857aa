using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using Polly;
using Polly.Hedging;
using Polly.Retry;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Grains.Abstractions.Resilience;

/// <summary>
/// Failures that mean "a silo went away" (its grains come back on another silo: try again) rather than
/// "the call is wrong", and the one retry pipeline every caller uses to wait that out.
/// </summary>
public static class SiloLoss
{
    public static bool Is(Exception error) => error switch
    {
        ServingException serving => serving.Code == ServingException.WorkerStoppedCode,
        SiloUnavailableException or OrleansMessageRejectionException or EnumerationAbortedException or TimeoutException
            or ConnectionFailedException => true,
        OrleansException orleans => orleans.InnerException is { } inner && Is(inner),
        _ => false,
    };

    /// <summary>
    /// Runs an idempotent call again while its silo is being replaced: quick retries first (a graceful stop
    /// hands grains over in milliseconds), then about once a second for half a minute (a dead silo is noticed
    /// and its grains placed again well within it); then the last failure is the answer.
    /// </summary>
    public static readonly ResiliencePipeline Retry = Pipeline();

    /// <summary>
    /// For calls made right after a silo died or hung: one not answered within a quarter second is made again
    /// alongside, up to eight times (2 s in all; the first answer wins, a failure lost to a silo sends the next
    /// at once). Until this client drops a dead or hung silo from its gateways (its gateway list refresh after
    /// the death is recorded, <c>FailureDetection.GatewayListRefreshPeriod</c>, 0.5 s) a call may be routed
    /// through it and never be answered; a later attempt goes through a live gateway. The calls must be safe
    /// to repeat, and each attempt must end when its token is cancelled (the pipeline returns only once every
    /// attempt ended).
    /// </summary>
    public static ResiliencePipeline<T> Hedging<T>() =>
        new ResiliencePipelineBuilder<T>()
            .AddHedging(new HedgingStrategyOptions<T>
            {
                Delay = TimeSpan.FromMilliseconds(250),
                MaxHedgedAttempts = 8,
                ShouldHandle = new PredicateBuilder<T>().Handle<Exception>(Is),
            })
            .Build();

    /// <summary>The same pipeline, telling <paramref name="retrying"/> of every failed attempt.</summary>
    public static ResiliencePipeline Pipeline(Action<Exception, int>? retrying = null) =>
        new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(Is),
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(100),
                MaxDelay = TimeSpan.FromSeconds(1),
                MaxRetryAttempts = 30,
                UseJitter = true,
                OnRetry = arguments =>
                {
                    if (arguments.Outcome.Exception is { } error)
                    {
                        retrying?.Invoke(error, arguments.AttemptNumber + 1);
                    }

                    return default;
                },
            })
            .Build();
}
