using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Verge.Orleans.Grains.Abstractions.Catalog;
using Verge.Orleans.Grains.ModelFiles;

namespace Verge.Orleans.Grains.Catalog;

/// <summary>
/// The models and assistants this silo knows from configuration. With none configured it serves the
/// built-in demo model, writing its GGUF on first use, so a fresh install answers at once.
/// </summary>
public sealed class ConfiguredCatalog
{
    public const string DemoName = "verge-demo";

    public ConfiguredCatalog(IOptions<CatalogOptions> options, TimeProvider time, ILogger<ConfiguredCatalog> logger)
    {
        var configured = options.Value;
        var started = time.GetUtcNow();
        var models = configured.Models;
        if (models.Count == 0 && configured.Assistants.Count == 0)
        {
            var path = Path.GetFullPath(Path.Combine(configured.DataDirectory, "models", DemoName + ".gguf"));
            if (!File.Exists(path))
            {
                ScriptedModel.Write(path);
                logger.LogInformation("Wrote the demo model to {Path}", path);
            }

            models = [new ModelSpec { Name = DemoName, Path = path, Description = "Built-in scripted demo model", Cores = 2, ContextSize = 4096, Parallel = 8 }];
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
}
