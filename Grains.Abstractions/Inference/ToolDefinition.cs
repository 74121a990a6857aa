namespace Verge.Orleans.Grains.Abstractions.Inference;

/// <summary>A function the model may call: name, description and its parameters as a JSON Schema text.</summary>
[GenerateSerializer, Immutable, Alias("verge.ToolDefinition")]
public sealed record ToolDefinition(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Description,
    [property: Id(2)] string Parameters)
{
    /// <summary>OpenAI's <c>strict</c>: the arguments must match the schema exactly (always true here: calls are grammar-constrained).</summary>
    [Id(3)] public bool Strict { get; init; }
}
