using Verge.Orleans.Grains.Abstractions.Limits;

namespace Verge.Orleans.Grains.Abstractions.Grains;

/// <summary>
/// The rate windows, running requests and token budgets of one user or one key, for every gateway of
/// the cluster. Keyed by <see cref="LimitKeys.UserLimiter"/> or <see cref="LimitKeys.KeyLimiter"/>.
/// </summary>
[Alias("verge.ILimiterGrain")]
public interface ILimiterGrain : IGrainWithStringKey
{
    /// <summary>Admits a request under <paramref name="limits"/> (counting it and holding a concurrency lease) or refuses it.</summary>
    [Alias("AcquireAsync")]
    Task<LimitDecision> AcquireAsync(string lease, UsageLimits limits);

    /// <summary>Ends an admitted request: frees its lease and counts its tokens (prompt plus completion).</summary>
    [Alias("ReleaseAsync")]
    Task ReleaseAsync(string lease, long tokens);

    /// <summary>Takes back an admission that another limiter refused: as if the request never came.</summary>
    [Alias("AbandonAsync")]
    Task AbandonAsync(string lease);
}
