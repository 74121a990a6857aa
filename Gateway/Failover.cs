using System.Diagnostics;
using Orleans.Runtime.Messaging;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway;

/// <summary>
/// Failures that mean "a silo went away" (the grain comes back on another silo; retry) rather than
/// "the request is wrong", and how long a request may wait for that.
/// </summary>
internal static class Failover
{
    /// <summary>How long a request may wait for a lost grain to come back: a dead silo is noticed and replaced well within it.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(30);

    public static bool MayRetry(Exception error, long startedTimestamp, CancellationToken aborted) =>
        !aborted.IsCancellationRequested && Stopwatch.GetElapsedTime(startedTimestamp) < Budget && IsSiloLost(error);

    public static bool IsSiloLost(Exception error) => error switch
    {
        ServingException serving => serving.Code == ServingException.WorkerStoppedCode,
        SiloUnavailableException or OrleansMessageRejectionException or EnumerationAbortedException or TimeoutException
            or ConnectionFailedException => true,
        OrleansException orleans => orleans.InnerException is { } inner && IsSiloLost(inner),
        _ => false,
    };

    /// <summary>Runs an idempotent grain call again while its silo is being replaced.</summary>
    public static async Task<T> RetryAsync<T>(Func<Task<T>> call, CancellationToken aborted)
    {
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception error) when (MayRetry(error, started, aborted))
            {
                await BackOffAsync(attempt, aborted);
            }
        }
    }

    public static Task BackOffAsync(int attempt, CancellationToken aborted) =>
        Task.Delay(TimeSpan.FromMilliseconds(Math.Min(100 * (1 << Math.Min(attempt, 4)), 1000)), aborted);

    public static async Task DisposeQuietlyAsync(IAsyncEnumerator<GenerationEvent>? events)
    {
        if (events is null)
        {
            return;
        }

        try
        {
            await events.DisposeAsync();
        }
        catch (Exception)
        {
            // The worker is gone: there is nothing left to release.
        }
    }
}
