namespace Verge.Orleans.Grains.Abstractions.Inference;

/// <summary>
/// A piece of a streamed tool call (OpenAI's <c>delta.tool_calls[i]</c>): the first piece of a call
/// carries its <see cref="Id"/> and <see cref="Name"/>, later ones only <see cref="Arguments"/> fragments.
/// </summary>
[GenerateSerializer, Immutable, Alias("verge.ToolCallDelta")]
public sealed record ToolCallDelta(
    [property: Id(0)] int Index,
    [property: Id(1)] string? Id,
    [property: Id(2)] string? Name,
    [property: Id(3)] string Arguments);
