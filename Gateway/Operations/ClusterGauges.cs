using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Verge.Orleans.Grains.Abstractions.Catalog;
using Verge.Orleans.Grains.Abstractions.Grains;

namespace Verge.Orleans.Gateway.Operations;

/// <summary>
/// Slots busy, queue length and tokens/s of every model worker and the number of models in each state,
/// as gauges. The cluster is asked every few seconds (not at every scrape), from any gateway, so the
/// figures are the same in single-process and cluster mode.
/// </summary>
internal sealed class ClusterGauges : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(5);

    // Generous: on a saturated machine a status read can take seconds; only a model stuck that long is left out.
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(30);

    // The instruments exist once per process (see VergeMeter), over every live gateway's snapshot.
    private static readonly ConcurrentDictionary<ClusterGauges, bool> Live = new();
    private static readonly Meter Meter = CreateInstruments();

    private readonly IGrainFactory _grains;
    private readonly ILogger<ClusterGauges> _logger;
    private volatile Snapshot _snapshot = new([], []);

    public ClusterGauges(IGrainFactory grains, ILogger<ClusterGauges> logger)
    {
        _grains = grains;
        _logger = logger;
        _ = Meter;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        Live[this] = true;
        return base.StartAsync(cancellationToken);
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        Live.TryRemove(this, out _);
        return base.StopAsync(cancellationToken);
    }

    private static Meter CreateInstruments()
    {
        var meter = VergeMeter.Instance;
        meter.CreateObservableGauge("verge.worker.slots_busy", () => PerWorker(w => w.SlotsBusy), description: "Sequences decoding now.");
        meter.CreateObservableGauge("verge.worker.slots_total", () => PerWorker(w => w.SlotsTotal), description: "Parallel slots of the worker.");
        meter.CreateObservableGauge("verge.worker.queue_length", () => PerWorker(w => w.Queued), description: "Requests waiting for a slot.");
        meter.CreateObservableGauge("verge.worker.tokens_per_second", () => PerWorker(w => w.TokensPerSecond), description: "Generation speed over the last 10 s.");
        meter.CreateObservableCounter("verge.prompt_cache.hits", () => PerWorker(w => w.PromptCacheHits), description: "Requests that reused a cached prompt prefix (free slot or host RAM).");
        meter.CreateObservableCounter("verge.prompt_cache.misses", () => PerWorker(w => w.PromptCacheMisses), description: "Requests that reused no cached prefix.");
        meter.CreateObservableCounter("verge.prompt_cache.restores", () => PerWorker(w => w.PromptCacheRestores), description: "Hits restored from the host-RAM prompt cache.");
        meter.CreateObservableCounter("verge.prompt_cache.evictions", () => PerWorker(w => w.PromptCacheEvictions), description: "Host-RAM prompt cache entries dropped, least recently used first.");
        meter.CreateObservableGauge("verge.prompt_cache.bytes", () => PerWorker(w => w.PromptCacheBytes), description: "Host RAM held by the prompt cache.");
        meter.CreateObservableGauge("verge.prompt_cache.entries", () => PerWorker(w => (long)w.PromptCacheEntries), description: "Sequence states in the host-RAM prompt cache.");
        meter.CreateObservableGauge("verge.models", () => Enum.GetValues<ModelState>().Select(state =>
            new Measurement<int>(Live.Keys.Sum(g => g._snapshot.Models.Count(m => m.State == state)), new KeyValuePair<string, object?>("state", state.ToString()))), description: "Models by state.");
        return meter;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var models = await _grains.GetGrain<ICatalogGrain>(0).ListModelsAsync();
                var read = await Task.WhenAll(models.Select(m => ReadAsync(m.Name)));
                _snapshot = new Snapshot([.. read.Select(r => r.Status).OfType<ModelStatus>()], [.. read.SelectMany(r => r.Workers)]);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                _logger.LogDebug("Reading the cluster's gauges failed: {Message}", error.Message);
            }

            await Task.Delay(Period, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    // One model being deleted, loading or on a lost silo must not hold back or drop the others' figures.
    private async Task<(ModelStatus? Status, IReadOnlyList<WorkerStatus> Workers)> ReadAsync(string model)
    {
        try
        {
            var grain = _grains.GetGrain<IModelGrain>(model);
            return (await grain.GetStatusAsync().WaitAsync(ReadTimeout), await grain.GetWorkersAsync().WaitAsync(ReadTimeout));
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            _logger.LogDebug("Reading the gauges of {Model} failed: {Message}", model, error.Message);
            return (null, []);
        }
    }

    private static IEnumerable<Measurement<T>> PerWorker<T>(Func<WorkerStatus, T> value) where T : struct =>
        Live.Keys.SelectMany(gauges => gauges._snapshot.Workers)
            .Select(w => new Measurement<T>(value(w), new("model", w.Model), new("worker", w.Worker), new("silo", w.Silo)));

    private sealed record Snapshot(IReadOnlyList<ModelStatus> Models, IReadOnlyList<WorkerStatus> Workers);
}
