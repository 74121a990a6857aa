using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Verge.Orleans.Grains.Abstractions.Catalog;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Placement;
using Verge.Orleans.Grains.Abstractions.Resilience;

namespace Verge.Orleans.Grains.Catalog;

/// <summary>
/// A model's life and its workers. Starting downloads the file when needed, then starts Min Workers
/// workers; requests go to the least loaded worker; when every worker is saturated another one is
/// started (on a silo without a worker of this model where possible) up to Max Workers; workers above
/// Min that stay idle for the idle timeout are retired. Min 0 means the first request starts one.
/// </summary>
[KeepAlive]
internal sealed class ModelGrain(
    [PersistentState("model-life", StorageNames.Verge)] IPersistentState<ModelLifeState> life,
    IOptions<CatalogOptions> options,
    TimeProvider time,
    ILogger<ModelGrain> logger) : Grain, IModelGrain
{
    private readonly SortedDictionary<int, Replica> _replicas = [];
    private ModelSpec? _spec;
    private ModelState _state = ModelState.Offline;
    private string? _reason;
    private DownloadProgress? _download;
    private Task _transition = Task.CompletedTask;
    private CancellationTokenSource _running = new();
    private IGrainTimer? _idleTimer;

    private string Name => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!life.State.Stopped)
        {
            BeginStart();
        }

        return Task.CompletedTask;
    }

    // While online the configuration it runs with is at hand; ReconfigureAsync replaces it after an edit.
    async Task<ModelSpec?> IModelGrain.GetSpecAsync() => _spec ?? await ResolveSpecAsync();

    Task<ModelStatus> IModelGrain.GetStatusAsync() => Task.FromResult(Status());

    async Task<ModelStatus> IModelGrain.StartAsync()
    {
        if (await ResolveSpecAsync() is null)
        {
            throw ServingException.NotFound($"Model '{Name}'");
        }

        if (life.State.Stopped)
        {
            life.State.Stopped = false;
            await life.WriteStateAsync();
        }

        if (_state is ModelState.Error or ModelState.Offline)
        {
            BeginStart();
        }

        return Status();
    }

    async Task<ModelStatus> IModelGrain.StopAsync()
    {
        life.State.Stopped = true;
        await life.WriteStateAsync();
        await StopWorkersAsync();
        return Status();
    }

    async Task<ModelStatus> IModelGrain.RestartAsync()
    {
        await StopWorkersAsync();
        return await ((IModelGrain)this).StartAsync();
    }

    async Task IModelGrain.ReconfigureAsync()
    {
        await StopWorkersAsync();
        if (await ResolveSpecAsync() is null)
        {
            await life.ClearStateAsync();
            DeactivateOnIdle();
        }
        else if (!life.State.Stopped)
        {
            BeginStart();
        }
    }

    async Task<string> IModelGrain.PickWorkerAsync(ulong affinity, IReadOnlyList<string>? avoid)
    {
        if (_state == ModelState.Loading)
        {
            // A short load is waited for; a long one answers "not ready yet" rather than holding the caller.
            await _transition.WaitAsync(TimeSpan.FromSeconds(2)).ContinueWith(_ => { }, TaskScheduler.Current);
        }

        if (_state != ModelState.Online || _spec is not { } spec)
        {
            throw NotOnline();
        }

        var started = _replicas.Values.Where(r => r.Started).ToList();
        if (avoid is { Count: > 0 } && started.Any(r => !avoid.Contains(r.Key)))
        {
            started.RemoveAll(r => avoid.Contains(r.Key));
        }

        if (started.Count == 0)
        {
            // Scaled to zero: the first request starts a worker, and it and the next ones wait for it to load.
            return (_replicas.Values.FirstOrDefault() ?? StartReplicaInBackground(spec)).Key;
        }

        if (started.Count == 1 && spec.MaxWorkers <= 1)
        {
            return started[0].Key;
        }

        var statuses = await Task.WhenAll(started.Select(r => Worker(r.Key).GetStatusAsync()));
        if (statuses.All(s => s.SlotsBusy + s.Queued >= Math.Max(1, s.SlotsTotal)) && _replicas.Count < spec.MaxWorkers)
        {
            StartReplicaInBackground(spec);
        }

        // A draining worker (its silo is stopping) takes nothing new while another one can.
        var candidates = statuses.Where(s => s.State != WorkerStatus.Draining).DefaultIfEmpty(statuses[0]).ToList();
        if (affinity != 0 && candidates.MaxBy(s => Rendezvous(affinity, s.Worker)) is { } home && home.SlotsBusy + home.Queued < Math.Max(1, home.SlotsTotal))
        {
            return home.Worker;
        }

        return candidates.MinBy(s => (double)(s.SlotsBusy + s.Queued) / Math.Max(1, s.SlotsTotal))!.Worker;
    }

    /// <summary>
    /// Rendezvous hashing: each conversation ranks the workers in its own stable order, so it keeps going
    /// to the same one, and only the conversations of a worker that leaves move.
    /// </summary>
    private static ulong Rendezvous(ulong affinity, string worker)
    {
        var hash = 14695981039346656037UL; // FNV-1a over the worker key, then a splitmix64 finish with the affinity
        foreach (var c in worker)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        var mixed = hash ^ affinity;
        mixed = (mixed ^ (mixed >> 30)) * 0xBF58476D1CE4E5B9UL;
        mixed = (mixed ^ (mixed >> 27)) * 0x94D049BB133111EBUL;
        return mixed ^ (mixed >> 31);
    }

    async Task<ModelSpec?> IModelGrain.AdmitWorkerAsync(string worker) =>
        !life.State.Stopped && _replicas.Values.Any(r => r.Key == worker) ? _spec ?? await ResolveSpecAsync() : null;

    async Task<IReadOnlyList<WorkerStatus>> IModelGrain.GetWorkersAsync() =>
        await Task.WhenAll(_replicas.Values.Where(r => r.Started).Select(r => Worker(r.Key).GetStatusAsync()));

    private void BeginStart()
    {
        if (_state is ModelState.Downloading or ModelState.Loading or ModelState.Online)
        {
            return;
        }

        _running = new CancellationTokenSource();
        _state = ModelState.Loading;
        _reason = null;
        _transition = StartCoreAsync(_running.Token);
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        try
        {
            var spec = await ResolveSpecAsync();
            if (spec is null)
            {
                (_state, _reason) = (ModelState.Offline, "The model does not exist.");
                return;
            }

            if (spec.Url is { } url && !File.Exists(spec.Path))
            {
                _state = ModelState.Downloading;
                _download = new DownloadProgress();
                var progress = _download;
                logger.LogInformation("Model {Model}: downloading {Url} to {Path}", Name, ModelDownloader.Shown(url), spec.Path);
                await Task.Run(() => ModelDownloader.DownloadAsync(url, spec.Path, spec.Sha256, progress, cancellationToken), cancellationToken);
            }

            _state = ModelState.Loading;
            while (true)
            {
                try
                {
                    await StartMinWorkersAsync(spec, cancellationToken);
                    break;
                }
                catch (OrleansException error) when (NoEligibleSilo(error))
                {
                    // Not final: the silo it needs may join (or announce its metadata) any moment.
                    (_state, _reason) = (ModelState.Error, Describe(error));
                    await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
                    _state = ModelState.Loading;
                }
            }

            await AdoptRunningReplicasAsync(spec);
            (_state, _reason, _spec) = (ModelState.Online, null, spec);
            _idleTimer ??= this.RegisterGrainTimer(RetireIdleWorkersAsync, IdleCheckPeriod, IdleCheckPeriod);
            logger.LogInformation("Model {Model} is online with {Workers} workers", Name, _replicas.Count);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped while starting: StopWorkersAsync sets the state.
        }
        catch (Exception error)
        {
            (_state, _reason) = (ModelState.Error, Describe(error));
            logger.LogWarning("Model {Model} failed to start: {Reason}", Name, _reason);
        }
    }

    private async Task StartMinWorkersAsync(ModelSpec spec, CancellationToken cancellationToken)
    {
        for (var replica = 0; replica < spec.MinWorkers; replica++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!_replicas.ContainsKey(replica))
            {
                await StartReplicaAsync(spec, replica);
            }
        }
    }

    private async Task StopWorkersAsync()
    {
        _state = ModelState.Stopping;
        await _running.CancelAsync();
        await _transition.ContinueWith(_ => { }, TaskScheduler.Current);
        await Task.WhenAll(_replicas.Values.Select(r => Worker(r.Key).StopAsync()));
        _replicas.Clear();
        (_state, _reason, _download, _spec) = (ModelState.Offline, null, null, null);
        _idleTimer?.Dispose();
        _idleTimer = null;
    }

    private async Task StartReplicaAsync(ModelSpec spec, int replica)
    {
        var entry = new Replica(new WorkerKey(spec.Name, replica, PlacementOf(spec)).ToString(), time.GetUtcNow());
        var placing = SpreadingOut();
        _replicas[replica] = entry;
        try
        {
            var status = await placing(() => Worker(entry.Key).StartAsync());
            entry.Silo = status.Silo;
            entry.Started = true;
        }
        catch
        {
            _replicas.Remove(replica);
            throw;
        }
    }

    /// <summary>
    /// Runs a call that may activate a worker with the silos already holding this model's workers in the
    /// request context: the placement filter then prefers another silo (high availability).
    /// </summary>
    private Func<Func<Task<WorkerStatus>>, Task<WorkerStatus>> SpreadingOut()
    {
        var occupied = string.Join(',', _replicas.Values.Select(r => r.Silo).Where(s => s.Length > 0));
        return async call =>
        {
            RequestContext.Set(GpuPlacementDirector.AvoidSilosKey, occupied);
            try
            {
                return await call();
            }
            finally
            {
                RequestContext.Remove(GpuPlacementDirector.AvoidSilosKey);
            }
        };
    }

    private Replica StartReplicaInBackground(ModelSpec spec)
    {
        var replica = Enumerable.Range(0, spec.MaxWorkers + 1).First(r => !_replicas.ContainsKey(r));
        var task = StartReplicaAsync(spec, replica);
        _ = task.ContinueWith(
            failed => logger.LogWarning(failed.Exception, "Model {Model}: starting worker {Replica} failed", Name, replica),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Current);
        logger.LogInformation("Model {Model}: starting worker {Replica} ({Reason})", Name, replica, _replicas.Count == 1 ? "first request" : "all workers saturated");
        return _replicas[replica];
    }

    /// <summary>
    /// After this grain moved (its silo died), take back the extra workers still running elsewhere. The
    /// probe may activate one, so it is placed like a new worker would be.
    /// </summary>
    private async Task AdoptRunningReplicasAsync(ModelSpec spec)
    {
        for (var replica = spec.MinWorkers; replica < spec.MaxWorkers; replica++)
        {
            var key = new WorkerKey(spec.Name, replica, PlacementOf(spec)).ToString();
            var status = await SpreadingOut()(() => Worker(key).GetStatusAsync());
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

    private async Task RetireIdleWorkersAsync(CancellationToken cancellationToken)
    {
        if (_state != ModelState.Online || _spec is not { } spec)
        {
            return;
        }

        var now = time.GetUtcNow();
        foreach (var (index, replica) in _replicas.Where(r => r.Value.Started).Reverse().ToList())
        {
            if (_replicas.Count(r => r.Value.Started) <= spec.MinWorkers)
            {
                break;
            }

            var status = await Worker(replica.Key).GetStatusAsync();
            if (status.SlotsBusy > 0 || status.Queued > 0 || status.CompletedRequests != replica.Completed)
            {
                (replica.IdleSince, replica.Completed) = (now, status.CompletedRequests);
            }
            else if (now - replica.IdleSince >= options.Value.WorkerIdleTimeout)
            {
                logger.LogInformation("Model {Model}: retiring idle worker {Worker}", Name, replica.Key);
                _replicas.Remove(index);
                await Worker(replica.Key).StopAsync();
            }
        }
    }

    private TimeSpan IdleCheckPeriod => TimeSpan.FromTicks(Math.Clamp(options.Value.WorkerIdleTimeout.Ticks / 4, TimeSpan.FromMilliseconds(250).Ticks, TimeSpan.FromSeconds(15).Ticks));

    private async Task<ModelSpec?> ResolveSpecAsync()
    {
        var catalog = GrainFactory.GetGrain<ICatalogGrain>(0);
        var spec = await SiloLoss.Retry.ExecuteAsync(async _ => await catalog.GetModelAsync(Name)); // its silo may be stopping
        return spec is { Path: "" }
            ? spec with { Path = Path.GetFullPath(Path.Combine(options.Value.DataDirectory, "models", spec.Name + ".gguf")) }
            : spec;
    }

    private ModelStatus Status() => new()
    {
        Name = Name,
        State = _state,
        Reason = life.State.Stopped && _state == ModelState.Offline ? "Stopped by an operator." : _reason,
        DownloadedBytes = _download?.Received ?? 0,
        TotalBytes = _download?.Total,
        Percent = _download?.Percent,
        Workers = _replicas.Values.Count(r => r.Started),
    };

    private ServingException NotOnline() => _state switch
    {
        _ when life.State.Stopped => ServingException.NotReady(Name, $"it is stopped; start it with POST /api/v1/models/{Name}/start."),
        ModelState.Downloading => ServingException.NotReady(Name, $"its file is downloading ({_download?.Percent?.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) ?? "?"}% done)."),
        ModelState.Loading => ServingException.NotReady(Name, "it is loading."),
        ModelState.Error => ServingException.NotReady(Name, _reason ?? "it failed to start."),
        _ => ServingException.ModelNotFound(Name),
    };

    private static string Describe(Exception error) => error switch
    {
        ServingException serving => serving.Message,
        OrleansException orleans when NoEligibleSilo(orleans) =>
            "No silo may run its workers: it needs a GPU silo (Verge:Silo:Gpu=true) and CPU fallback is off.",
        _ => error.Message,
    };

    private static bool NoEligibleSilo(OrleansException error) =>
        error.Message.Contains("No active nodes are compatible", StringComparison.Ordinal);

    private IModelWorkerGrain Worker(string key) => GrainFactory.GetGrain<IModelWorkerGrain>(key);

    private static WorkerPlacement PlacementOf(ModelSpec spec) => spec switch
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

        public DateTimeOffset IdleSince { get; set; } = now;

        public long Completed { get; set; }
    }
}
