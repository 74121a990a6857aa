using Microsoft.Extensions.Logging;
using Verge.Orleans.Grains.Abstractions.Catalog;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Grains.Inference;

/// <summary>
/// The silo's inference resources: each GGUF loaded once (memory-mapped) and shared, and one engine
/// per model worker activated here.
/// </summary>
public sealed class InferenceService(ILoggerFactory loggers) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (LoadedModel Model, int Users)> _models = [];
    private readonly Dictionary<string, IWorkerEngine> _engines = [];
    private readonly ILogger _logger = loggers.CreateLogger<InferenceService>();
    private volatile bool _draining;

    /// <summary>The silo is stopping: no engine starts and no engine takes a new request.</summary>
    public bool Draining => _draining;

    /// <summary>
    /// Starts (or returns) the engine of a worker: an <see cref="EmbeddingEngine"/> for an embedding model,
    /// else an <see cref="InferenceEngine"/>; loads the model file on first use. Blocking.
    /// </summary>
    internal IWorkerEngine Start(string worker, ModelSpec spec)
    {
        lock (_lock)
        {
            if (_draining)
            {
                throw ServingException.WorkerStopped(worker);
            }

            if (_engines.TryGetValue(worker, out var running))
            {
                return running;
            }

            if (!_models.TryGetValue(spec.Path, out var entry))
            {
                entry = (LoadedModel.Load(spec.Path), 0);
                _logger.LogInformation("Loaded {Model} from {Path}", spec.Name, spec.Path);
            }

            var threads = Math.Clamp(spec.Cores, 1, Environment.ProcessorCount);
            IWorkerEngine engine = spec.Embedding
                ? new EmbeddingEngine(entry.Model, new EmbeddingOptions
                {
                    Parallel = spec.Parallel,
                    ContextSize = spec.ContextSize,
                    Threads = threads,
                    MaxQueue = spec.MaxQueue,
                    Pooling = Pooling.Of(spec.Pooling, entry.Model.Weights),
                }, worker, _logger)
                : new InferenceEngine(entry.Model, new EngineOptions
                {
                    Parallel = spec.Parallel,
                    ContextSize = spec.ContextSize,
                    Threads = threads,
                    MaxQueue = spec.MaxQueue,
                    MaxQueueWait = TimeSpan.FromSeconds(spec.MaxQueueSeconds),
                    InsertThinkTag = spec.InsertThinkTag,
                    PromptCacheBytes = (long)spec.PromptCacheMiB << 20,
                }, worker, _logger);
            _models[spec.Path] = (entry.Model, entry.Users + 1);
            _engines[worker] = engine;
            return engine;
        }
    }

    /// <summary>Stops a worker's engine; unloads the model when no engine uses it any more.</summary>
    internal void Stop(string worker)
    {
        lock (_lock)
        {
            if (!_engines.Remove(worker, out var engine))
            {
                return;
            }

            engine.Dispose();
            var (model, users) = _models[engine.Model.Path];
            if (users == 1)
            {
                _models.Remove(engine.Model.Path);
                model.Dispose();
            }
            else
            {
                _models[engine.Model.Path] = (model, users - 1);
            }
        }
    }

    /// <summary>
    /// Graceful stop: every engine refuses new requests while the accepted ones finish, for at most
    /// <paramref name="timeout"/>. Returns whether all finished.
    /// </summary>
    public async Task<bool> DrainAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        IWorkerEngine[] engines;
        lock (_lock)
        {
            _draining = true;
            engines = [.. _engines.Values];
        }

        foreach (var engine in engines)
        {
            engine.Drain();
        }

        var deadline = DateTime.UtcNow + timeout;
        while (!engines.All(engine => engine.Idle))
        {
            if (DateTime.UtcNow >= deadline)
            {
                _logger.LogWarning("Drain timed out after {Timeout}: requests still running are cut off", timeout);
                return false;
            }

            await Task.Delay(100, cancellationToken);
        }

        // The last events were read from the engine; give the grains' streams a moment to deliver them.
        await Task.Delay(250, cancellationToken);
        return true;
    }

    public void Dispose()
    {
        string[] workers;
        lock (_lock)
        {
            workers = [.. _engines.Keys];
        }

        foreach (var worker in workers)
        {
            Stop(worker);
        }
    }
}
