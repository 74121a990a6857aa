using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using Polly;
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
