using Microsoft.Extensions.Logging;
using Verge.Orleans.Grains.Abstractions.Catalog;

namespace Verge.Orleans.Grains.Inference;

/// <summary>
/// The silo's inference resources: each GGUF loaded once (memory-mapped) and shared, and one engine
/// per model worker activated here.
/// </summary>
public sealed class InferenceService(ILoggerFactory loggers) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (LoadedModel Model, int Users)> _models = [];
    private readonly Dictionary<string, InferenceEngine> _engines = [];
    private readonly ILogger _logger = loggers.CreateLogger<InferenceService>();

    /// <summary>Starts (or returns) the engine of a worker; loads the model file on first use. Blocking.</summary>
    internal InferenceEngine Start(string worker, ModelSpec spec)
    {
        lock (_lock)
        {
            if (_engines.TryGetValue(worker, out var running))
            {
                return running;
            }

            if (!_models.TryGetValue(spec.Path, out var entry))
            {
                entry = (LoadedModel.Load(spec.Path), 0);
                _logger.LogInformation("Loaded {Model} from {Path}", spec.Name, spec.Path);
            }

            var options = new EngineOptions
            {
                Parallel = spec.Parallel,
                ContextSize = spec.ContextSize,
                Threads = Math.Clamp(spec.Cores, 1, Environment.ProcessorCount),
                MaxQueue = spec.MaxQueue,
            };
            var engine = new InferenceEngine(entry.Model, options, worker, _logger);
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
