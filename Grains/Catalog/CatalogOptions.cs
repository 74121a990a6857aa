using Verge.Orleans.Grains.Abstractions.Catalog;

namespace Verge.Orleans.Grains.Catalog;

/// <summary>The <c>Verge</c> configuration section: where data lives and the models and assistants to serve.</summary>
public sealed class CatalogOptions
{
    public const string Section = "Verge";

    /// <summary>Folder for the demo model and local state.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>A worker above a model's Min Workers that served nothing for this long is retired.</summary>
    public TimeSpan WorkerIdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Models to serve; when empty (and no assistant is configured) the built-in demo model is served.</summary>
    public List<ModelSpec> Models { get; set; } = [];

    /// <summary>Assistants; every model also gets an assistant of its own name unless one is configured.</summary>
    public List<AssistantSpec> Assistants { get; set; } = [];
}
