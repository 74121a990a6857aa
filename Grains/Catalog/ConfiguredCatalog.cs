using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Verge.Orleans.Grains.Abstractions.Catalog;
using Verge.Orleans.Grains.ModelFiles;

namespace Verge.Orleans.Grains.Catalog;

/// <summary>
/// The models and assistants this silo knows from configuration. With none configured it serves the
/// built-in demo model, whose GGUF every silo writes at start, so a fresh install answers at once.
/// </summary>
public sealed class ConfiguredCatalog : ILifecycleParticipant<ISiloLifecycle>
{
    public const string DemoName = "verge-demo";

    private readonly ILogger<ConfiguredCatalog> _logger;

    public ConfiguredCatalog(IOptions<CatalogOptions> options, TimeProvider time, ILogger<ConfiguredCatalog> logger)
    {
        _logger = logger;
        var configured = options.Value;
        var started = time.GetUtcNow();
        var models = configured.Models;
        if (models.Count == 0 && configured.Assistants.Count == 0)
        {
            DemoPath = Path.GetFullPath(Path.Combine(configured.DataDirectory, "models", DemoName + ".gguf"));
            models = [new ModelSpec { Name = DemoName, Path = DemoPath, Description = "Built-in scripted demo model", Cores = 2, ContextSize = 4096, Parallel = 8 }];
        }

        Models = models.ToDictionary(m => m.Name, StringComparer.Ordinal);
        var assistants = configured.Assistants.Select(a => a with { Created = started }).ToList();
        assistants.AddRange(models
            .Where(m => assistants.All(a => a.Name != m.Name))
            .Select(m => new AssistantSpec { Name = m.Name, Model = m.Name, Description = m.Description, Created = started }));
        Assistants = assistants.ToDictionary(a => a.Name, StringComparer.Ordinal);
    }

    public IReadOnlyDictionary<string, ModelSpec> Models { get; }

    public IReadOnlyDictionary<string, AssistantSpec> Assistants { get; }

    /// <summary>Where this silo keeps the demo model, when it serves it.</summary>
    public string? DemoPath { get; }

    /// <summary>Writes the demo model before the silo takes any work, so a worker placed here finds it.</summary>
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ConfiguredCatalog), ServiceLifecycleStage.RuntimeInitialize, WriteDemoModelAsync);

    private Task WriteDemoModelAsync(CancellationToken cancellationToken)
    {
        if (DemoPath is not null && !File.Exists(DemoPath))
        {
            ScriptedModel.Write(DemoPath);
            _logger.LogInformation("Wrote the demo model to {Path}", DemoPath);
        }

        return Task.CompletedTask;
    }
}
