using Microsoft.Extensions.Logging;
using Verge.Orleans.Grains.Abstractions.Catalog;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Placement;
using Verge.Orleans.Grains.Routing;

namespace Verge.Orleans.Grains.Catalog;

/// <summary>
/// A model's worker set, owned by its <see cref="ModelGrain"/> and run on its scheduler: Min Workers
/// started on different silos where possible, one more when every worker is saturated (up to Max), idle
/// extras retired, and idle workers moved so that workers share a silo only when there are not enough
/// silos (a silo that joins later, or comes back after a full restart, gets one). Requests go through the
/// <see cref="PrefixRouter"/> over what the workers report.
/// </summary>
internal sealed class ModelWorkers(string model, IGrainFactory grains, WorkerSilos silos, TimeProvider time, ILogger logger)
{
    private readonly SortedDictionary<int, Replica> _replicas = [];
    private readonly PrefixRouter _router = new(time);

    /// <summary>Workers that are running (started and not moving).</summary>
    public int Running => _replicas.Values.Count(r => r.Serving);

    /// <summary>Whether <paramref name="worker"/> is one of the workers this model wants now (a moving one is not, until placed again).</summary>
    public bool Wants(string worker) => _replicas.Values.Any(r => r.Key == worker && (!r.Moving || r.Placing));

    public void Report(WorkerReport report)
    {
        if (_replicas.Values.FirstOrDefault(r => r.Key == report.Worker && r.Serving) is { } replica)
        {
            replica.Silo = report.Silo; // it may have been activated again elsewhere after its silo died
            _router.Report(report);
        }
    }

    /// <summary>
    /// The worker for a prompt of <paramref name="prefix"/> blocks; starts one when none runs or all are saturated.
    /// Workers to <paramref name="avoid"/> (just lost while serving the request) count only when no other serves.
    /// </summary>
    public string Pick(ModelSpec spec, IReadOnlyList<ulong> prefix, IReadOnlyList<string> avoid)
    {
        var serving = _replicas.Values.Where(r => r.Serving).Select(r => r.Key).ToList();
        if (serving.Any(worker => !avoid.Contains(worker)))
        {
            serving.RemoveAll(avoid.Contains);
        }

        if (serving.Count == 0)
        {
            // Scaled to zero: the first request starts a worker, and it and the next ones wait for it to load.
            return (_replicas.Values.FirstOrDefault() ?? StartInBackground(spec)).Key;
        }

        var choice = _router.Route(prefix, serving, spec.Parallel);
        if (choice.AllSaturated && _replicas.Count < spec.MaxWorkers)
        {
            StartInBackground(spec);
        }

        return choice.Worker;
    }

    public async Task<IReadOnlyList<WorkerStatus>> StatusesAsync() =>
        await Task.WhenAll(_replicas.Values.Where(r => r.Serving).Select(r => Worker(r.Key).GetStatusAsync()));

    public async Task StartMinAsync(ModelSpec spec, CancellationToken cancellationToken)
    {
        for (var replica = 0; replica < spec.MinWorkers; replica++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!_replicas.ContainsKey(replica))
            {
                await StartAsync(spec, replica);
            }
        }
    }

    public async Task StopAllAsync()
    {
        await Task.WhenAll(_replicas.Values.Select(r => Worker(r.Key).StopAsync()));
        foreach (var replica in _replicas.Values)
        {
            _router.Forget(replica.Key);
        }

        _replicas.Clear();
    }

    /// <summary>
    /// After the model grain moved (its silo died), take back the extra workers still running elsewhere.
    /// The probe may activate one, so it is placed like a new worker would be.
    /// </summary>
    public async Task AdoptRunningAsync(ModelSpec spec)
    {
        for (var replica = spec.MinWorkers; replica < spec.MaxWorkers; replica++)
        {
            var key = KeyOf(spec, replica);
            var status = await SpreadingOut(() => Worker(key).GetStatusAsync());
            if (status.SlotsTotal > 0)
            {
                _replicas[replica] = new Replica(key, time.GetUtcNow()) { Silo = status.Silo, Started = true };
            }
            else
            {
                await Worker(key).StopAsync();
            }
        }
    }

    /// <summary>Periodic care: retires workers above Min idle for <paramref name="idleTimeout"/>, then spreads the rest.</summary>
    public async Task TendAsync(ModelSpec spec, TimeSpan idleTimeout)
    {
        foreach (var unplaced in _replicas.Values.Where(r => r.Moving).ToList())
        {
            await PlaceAgainAsync(unplaced);
        }

        var now = time.GetUtcNow();
        var idle = new List<Replica>();
        foreach (var (index, replica) in _replicas.Where(r => r.Value.Serving).Reverse().ToList())
        {
            var status = await Worker(replica.Key).GetStatusAsync();
            if (status.SlotsBusy > 0 || status.Queued > 0 || status.CompletedRequests != replica.Completed)
            {
                (replica.IdleSince, replica.Completed) = (now, status.CompletedRequests);
                continue;
            }

            if (now - replica.IdleSince >= idleTimeout && _replicas.Count(r => r.Value.Started) > spec.MinWorkers)
            {
                logger.LogInformation("Model {Model}: retiring idle worker {Worker}", model, replica.Key);
                _replicas.Remove(index);
                _router.Forget(replica.Key);
                await Worker(replica.Key).StopAsync();
                continue;
            }

            idle.Add(replica);
        }

        await SpreadAsync(spec, idle);
    }

    // One idle worker sharing its silo with another of this model moves to an eligible silo that has none.
    private async Task SpreadAsync(ModelSpec spec, List<Replica> idle)
    {
        var serving = _replicas.Values.Where(r => r.Serving && r.Silo.Length > 0).ToList();
        var free = silos.Eligible(PlacementOf(spec)).Except(serving.Select(r => r.Silo), StringComparer.Ordinal).ToList();
        var crowded = serving.GroupBy(r => r.Silo, StringComparer.Ordinal).Where(g => g.Count() > 1).SelectMany(g => g.Skip(1));
        if (free.Count == 0 || crowded.FirstOrDefault(idle.Contains) is not { } moving)
        {
            return;
        }

        logger.LogInformation("Model {Model}: moving idle worker {Worker} off {Silo}, which holds another worker of it", model, moving.Key, moving.Silo);
        moving.Moving = true; // the router skips it and a late request does not bring it back where it was
        _router.Forget(moving.Key);
        try
        {
            await Worker(moving.Key).StopAsync();
        }
        catch (Exception error)
        {
            logger.LogWarning("Model {Model}: stopping worker {Worker} to move it failed: {Error}", model, moving.Key, error.Message);
        }

        await PlaceAgainAsync(moving);
    }

    // A failure leaves it moving (not routed to): the next round tries again.
    private async Task PlaceAgainAsync(Replica moving)
    {
        moving.Placing = true; // admitted again: this call activates it, away from the other workers' silos
        try
        {
            moving.Silo = (await SpreadingOut(() => Worker(moving.Key).StartAsync())).Silo;
            (moving.Moving, moving.IdleSince) = (false, time.GetUtcNow());
        }
        catch (Exception error)
        {
            logger.LogWarning("Model {Model}: placing worker {Worker} again failed: {Error}", model, moving.Key, error.Message);
        }
        finally
        {
            moving.Placing = false;
        }
    }

    private async Task StartAsync(ModelSpec spec, int replica)
    {
        var entry = new Replica(KeyOf(spec, replica), time.GetUtcNow());
        _replicas[replica] = entry;
        try
        {
            var status = await SpreadingOut(() => Worker(entry.Key).StartAsync());
            entry.Silo = status.Silo;
            entry.Started = true;
        }
        catch
        {
            _replicas.Remove(replica);
            throw;
        }
    }

    private Replica StartInBackground(ModelSpec spec)
    {
        var replica = Enumerable.Range(0, spec.MaxWorkers + 1).First(r => !_replicas.ContainsKey(r));
        var task = StartAsync(spec, replica);
        _ = task.ContinueWith(
            failed => logger.LogWarning(failed.Exception, "Model {Model}: starting worker {Replica} failed", model, replica),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Current);
        logger.LogInformation("Model {Model}: starting worker {Replica} ({Reason})", model, replica, _replicas.Count == 1 ? "first request" : "all workers saturated");
        return _replicas[replica];
    }

    /// <summary>
    /// Runs a call that may activate a worker with the silos holding this model's other workers in the
    /// request context: the placement filter then prefers another silo (high availability).
    /// </summary>
    private async Task<WorkerStatus> SpreadingOut(Func<Task<WorkerStatus>> call)
    {
        var occupied = string.Join(',', _replicas.Values.Select(r => r.Silo).Where(s => s.Length > 0));
        RequestContext.Set(GpuPlacementDirector.AvoidSilosKey, occupied);
        try
        {
            return await call();
        }
        finally
        {
            RequestContext.Remove(GpuPlacementDirector.AvoidSilosKey);
        }
    }

    private IModelWorkerGrain Worker(string key) => grains.GetGrain<IModelWorkerGrain>(key);

    private static string KeyOf(ModelSpec spec, int replica) => new WorkerKey(spec.Name, replica, PlacementOf(spec)).ToString();

    public static WorkerPlacement PlacementOf(ModelSpec spec) => spec switch
    {
        { Gpu: false } => WorkerPlacement.Any,
        { AllowCpuFallback: true } => WorkerPlacement.GpuPreferred,
        _ => WorkerPlacement.Gpu,
    };

    private sealed class Replica(string key, DateTimeOffset now)
    {
        public string Key { get; } = key;

        public string Silo { get; set; } = "";

        public bool Started { get; set; }

        /// <summary>Stopped to be placed again on another silo.</summary>
        public bool Moving { get; set; }

        /// <summary>Moving, and being started again right now.</summary>
        public bool Placing { get; set; }

        public bool Serving => Started && !Moving;

        public DateTimeOffset IdleSince { get; set; } = now;

        public long Completed { get; set; }
    }
}
