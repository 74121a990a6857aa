namespace Verge.Orleans.Grains.Catalog;

/// <summary>What an operator decided about a model: stopped models stay offline across restarts.</summary>
[GenerateSerializer, Alias("verge.ModelLifeState")]
public sealed class ModelLifeState
{
    [Id(0)] public bool Stopped { get; set; }
}
