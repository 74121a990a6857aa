namespace Verge.Orleans.Grains.Abstractions.Inference;

/// <summary>A function call an assistant made: its id, the function's name and its arguments as a JSON object text.</summary>
[GenerateSerializer, Immutable, Alias("verge.ToolCall")]
public sealed record ToolCall([property: Id(0)] string Id, [property: Id(1)] string Name, [property: Id(2)] string Arguments);
