using Verge.Orleans.Grains.Abstractions.Catalog;

namespace Verge.Orleans.Grains.Catalog;

[GenerateSerializer, Alias("verge.CatalogState")]
public sealed class CatalogState
{
    /// <summary>False until configuration has seeded this catalog once.</summary>
    [Id(0)] public bool Seeded { get; set; }

    [Id(1)] public Dictionary<string, ModelSpec> Models { get; set; } = new(StringComparer.Ordinal);

    [Id(2)] public Dictionary<string, AssistantSpec> Assistants { get; set; } = new(StringComparer.Ordinal);
}
