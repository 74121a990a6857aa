using Verge.Orleans.Gateway.Operations;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Identity;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Abstractions.Limits;
using Verge.Orleans.Grains.Abstractions.Resilience;

namespace Verge.Orleans.Gateway.Limits;

/// <summary>
/// Admits a generation under its user's and its key's limits (the tighter wins), asking both limiter
/// grains at once: a per-user and a per-key serial point, never one for the whole cluster.
/// </summary>
internal sealed class LimitGate(
    IGrainFactory grains, UsageMetrics metrics, [FromKeyedServices(LimitKeys.Clock)] TimeProvider time, ILogger<LimitGate> logger)
{
    /// <summary>
    /// Writes the rate-limit headers on <paramref name="response"/>, then either returns the admission
    /// (released when the response ends, or earlier when the answer is complete; without a response, when
    /// the caller disposes it) or throws a 429 <see cref="ServingException"/>.
    /// </summary>
    public async Task<Admission> AdmitAsync(HttpResponse? response, ApiKeyGrant grant, string assistant, CancellationToken aborted)
    {
        var lease = Guid.NewGuid().ToString("N");
        var limiters = new[]
        {
            (Grain: grains.GetGrain<ILimiterGrain>(LimitKeys.UserLimiter(grant.User)), Limits: grant.UserLimits),
            (Grain: grains.GetGrain<ILimiterGrain>(LimitKeys.KeyLimiter(grant.KeyId)), Limits: grant.KeyLimits),
        };
        var decisions = await Task.WhenAll(limiters.Select(l => SiloLoss.Retry.ExecuteAsync(async _ => await l.Grain.AcquireAsync(lease, l.Limits), aborted).AsTask()));
        if (response is not null)
        {
            RateLimitHeaders.Write(response, decisions);
        }

        if (decisions.Where(d => !d.Admitted).MaxBy(d => d.RetryAfter) is { } refusal)
        {
            // The limiter that admitted takes its count back: a refused request uses no quota anywhere.
            await Task.WhenAll(limiters.Where((_, i) => decisions[i].Admitted).Select(l => l.Grain.AbandonAsync(lease)));
            throw new ServingException(429, refusal.Code!, refusal.Message!)
            {
                RetryAfterSeconds = (int)Math.Max(1, Math.Ceiling(refusal.RetryAfter.TotalSeconds)),
            };
        }

        var admission = new Admission(grains, limiters[0].Grain, limiters[1].Grain, lease, grant, assistant, metrics, time, logger);
        response?.RegisterForDisposeAsync(admission);
        return admission;
    }
}
