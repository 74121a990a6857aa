namespace Verge.Orleans.Grains.Abstractions.Inference;

/// <summary>The vectors of an <see cref="EmbeddingRequest"/>, in input order, and what they cost.</summary>
[GenerateSerializer, Immutable, Alias("verge.EmbeddingResult")]
public sealed record EmbeddingResult(
    [property: Id(0)] IReadOnlyList<float[]> Vectors,
    [property: Id(1)] int PromptTokens,
    [property: Id(2)] string Worker);
