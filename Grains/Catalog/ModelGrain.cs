using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Verge.Orleans.Grains.Abstractions.Catalog;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Placement;
using Verge.Orleans.Grains.Abstractions.Resilience;

namespace Verge.Orleans.Grains.Catalog;

/// <summary>
/// A model's life: starting downloads the file when needed, then starts Min Workers workers; stopping
/// stops them; an edit restarts them. Its <see cref="ModelWorkers"/> hold the worker set (scaling,
/// retiring, spreading over silos) and route requests from what the workers report. Min 0 means the
/// first request starts a worker.
/// </summary>
[KeepAlive]
internal sealed class ModelGrain(
    [PersistentState("model-life", StorageNames.Verge)] IPersistentState<ModelLifeState> life,
    IOptions<CatalogOptions> options,
    WorkerSilos silos,
    TimeProvider time,
    ILogger<ModelGrain> logger) : Grain, IModelGrain
{
    private ModelWorkers? _workers;
    private ModelSpec? _spec;
    private ModelState _state = ModelState.Offline;
    private string? _reason;
    private DownloadProgress? _download;
    private Task _transition = Task.CompletedTask;
    private CancellationTokenSource _running = new();
    private IGrainTimer? _tending;

    private string Name => this.GetPrimaryKeyString();

    private ModelWorkers Workers => _workers ??= new ModelWorkers(Name, GrainFactory, silos, time, logger);

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

    async Task<string> IModelGrain.PickWorkerAsync(IReadOnlyList<ulong> prefix, IReadOnlyList<string>? avoid)
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

        return Workers.Pick(spec, prefix, avoid ?? []);
    }

    Task IModelGrain.ReportAsync(WorkerReport report)
    {
        Workers.Report(report);
        return Task.CompletedTask;
    }

    async Task<ModelSpec?> IModelGrain.AdmitWorkerAsync(string worker) =>
        !life.State.Stopped && Workers.Wants(worker) ? _spec ?? await ResolveSpecAsync() : null;

    Task<IReadOnlyList<WorkerStatus>> IModelGrain.GetWorkersAsync() => Workers.StatusesAsync();

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
                    // A worker whose grain is still on a silo that is stopping refuses to start until the grain moves
                    // (a graceful stop hands grains over): waited out like any silo loss, not reported as an error.
                    await SiloLoss.Retry.ExecuteAsync(async token => await Workers.StartMinAsync(spec, token), cancellationToken);
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

            await Workers.AdoptRunningAsync(spec);
            (_state, _reason, _spec) = (ModelState.Online, null, spec);
            _tending ??= this.RegisterGrainTimer(TendWorkersAsync, TendPeriod, TendPeriod);
            logger.LogInformation("Model {Model} is online with {Workers} workers", Name, Workers.Running);
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

    private async Task StopWorkersAsync()
    {
        _state = ModelState.Stopping;
        await _running.CancelAsync();
        await _transition.ContinueWith(_ => { }, TaskScheduler.Current);
        await Workers.StopAllAsync();
        (_state, _reason, _download, _spec) = (ModelState.Offline, null, null, null);
        _tending?.Dispose();
        _tending = null;
    }

    private Task TendWorkersAsync(CancellationToken cancellationToken) =>
        _state == ModelState.Online && _spec is { } spec ? Workers.TendAsync(spec, options.Value.WorkerIdleTimeout) : Task.CompletedTask;

    // Idle workers retire within a quarter of the idle timeout; a silo that joins gets a worker within this period.
    private TimeSpan TendPeriod => TimeSpan.FromTicks(Math.Clamp(options.Value.WorkerIdleTimeout.Ticks / 4, TimeSpan.FromMilliseconds(250).Ticks, TimeSpan.FromSeconds(15).Ticks));

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
        Workers = Workers.Running,
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
}
