using Verge.Orleans.Gateway.Operations;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Identity;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Abstractions.Limits;
using Verge.Orleans.Grains.Abstractions.Resilience;

namespace Verge.Orleans.Gateway.Limits;

/// <summary>
/// An admitted generation. When its answer is complete (every choice summarised) its tokens go to the
/// limiters, the usage grain and the usage metrics once, before the client sees the final chunk; if it
/// never completes (error, client gone) disposing it frees the concurrency lease without tokens.
/// </summary>
internal sealed class Admission(
    IGrainFactory grains, ILimiterGrain user, ILimiterGrain key, string lease, ApiKeyGrant grant, string assistant,
    UsageMetrics metrics, TimeProvider time, ILogger logger) : IAsyncDisposable
{
    private int _ended;

    /// <summary>Watches one attempt's events; an attempt lost half-way (and generated again) counts nothing.</summary>
    public IAsyncEnumerator<GenerationEvent> Meter(IAsyncEnumerator<GenerationEvent> events, int choices) => new Metered(this, events, choices);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            await SettleAsync(Task.WhenAll(user.ReleaseAsync(lease, 0), key.ReleaseAsync(lease, 0)));
        }
    }

    private async Task FinishAsync(GenerationSummary[] summaries)
    {
        if (Interlocked.Exchange(ref _ended, 1) == 1)
        {
            return;
        }

        // The same figures as the client's usage object: the prompt once, completions of all choices.
        var (prompt, cached, completion) = (summaries[0].PromptTokens, summaries[0].CachedTokens, summaries.Sum(s => (long)s.CompletionTokens));
        metrics.Used(grant.User, assistant, prompt, cached, completion);
        var day = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var usage = grains.GetGrain<IUsageGrain>(LimitKeys.UsageDay(grant.User, day));
        var record = new UsageRecord(lease, grant.KeyId, assistant, prompt, cached, completion);
        await SettleAsync(Task.WhenAll(
            user.ReleaseAsync(lease, prompt + completion),
            key.ReleaseAsync(lease, prompt + completion),
            SiloLoss.Retry.ExecuteAsync(async _ => await usage.RecordAsync(record)).AsTask()));
    }

    // Accounting never fails an answer the client is getting.
    private async Task SettleAsync(Task accounting)
    {
        try
        {
            await accounting;
        }
        catch (Exception error)
        {
            logger.LogWarning(error, "Usage of {User} on {Assistant} could not be recorded", grant.User, assistant);
        }
    }

    private sealed class Metered(Admission admission, IAsyncEnumerator<GenerationEvent> inner, int choices) : IAsyncEnumerator<GenerationEvent>
    {
        private readonly GenerationSummary?[] _summaries = new GenerationSummary?[choices];

        public GenerationEvent Current => inner.Current;

        public async ValueTask<bool> MoveNextAsync()
        {
            if (!await inner.MoveNextAsync())
            {
                return false;
            }

            var update = inner.Current;
            if (update.Summary is { } summary && update.Choice >= 0 && update.Choice < _summaries.Length && _summaries[update.Choice] is null)
            {
                _summaries[update.Choice] = summary;
                if (_summaries.All(s => s is not null))
                {
                    await admission.FinishAsync(_summaries!);
                }
            }

            return true;
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
