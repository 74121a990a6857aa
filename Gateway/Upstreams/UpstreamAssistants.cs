using Verge.Orleans.Grains.Abstractions.Catalog;
using Verge.Orleans.Grains.Abstractions.Grains;

namespace Verge.Orleans.Gateway.Upstreams;

/// <summary>
/// The assistants served by an upstream, read from the catalog at most every two seconds, so a local
/// request pays a dictionary lookup and no grain call to learn it is not one of them.
/// </summary>
internal sealed class UpstreamAssistants(IGrainFactory grains, TimeProvider time, ILogger<UpstreamAssistants> logger)
{
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private Snapshot? _snapshot;

    public async ValueTask<AssistantSpec?> FindAsync(string name)
    {
        var snapshot = Volatile.Read(ref _snapshot);
        if (snapshot is null || time.GetUtcNow() - snapshot.Taken > Freshness)
        {
            snapshot = await RefreshAsync();
        }

        return snapshot.Upstreams.GetValueOrDefault(name);
    }

    /// <summary>Forgets the snapshot: an edit made through this gateway applies to its next request.</summary>
    public void Invalidate() => Volatile.Write(ref _snapshot, null);

    private async Task<Snapshot> RefreshAsync()
    {
        await _refresh.WaitAsync();
        try
        {
            if (Volatile.Read(ref _snapshot) is { } fresh && time.GetUtcNow() - fresh.Taken <= Freshness)
            {
                return fresh;
            }

            Dictionary<string, AssistantSpec> upstreams;
            try
            {
                upstreams = (await grains.GetGrain<ICatalogGrain>(0).ListAssistantsAsync())
                    .Where(a => a.Upstream is not null).ToDictionary(a => a.Name, StringComparer.Ordinal);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // Local requests must not fail over this: they go their own way, which reports the cluster's state.
                logger.LogWarning("Reading the upstream assistants failed: {Message}", error.Message);
                upstreams = _snapshot?.Upstreams ?? [];
            }

            var snapshot = new Snapshot(upstreams, time.GetUtcNow());
            Volatile.Write(ref _snapshot, snapshot);
            return snapshot;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private sealed record Snapshot(Dictionary<string, AssistantSpec> Upstreams, DateTimeOffset Taken);
}
