namespace Verge.Orleans.Grains.Abstractions.Inference;

/// <summary>
/// Inputs to embed in one call: texts, or token ids (one array per input), never both. Each comes back
/// as one unit-length vector, in order; <see cref="Dimensions"/> keeps only the first components.
/// </summary>
[GenerateSerializer, Immutable, Alias("verge.EmbeddingRequest")]
public sealed record EmbeddingRequest
{
    [Id(0)] public IReadOnlyList<string> Texts { get; init; } = [];

    [Id(1)] public IReadOnlyList<int[]> Tokens { get; init; } = [];

    /// <summary>Components to keep (then re-normalised); null keeps the model's full size.</summary>
    [Id(2)] public int? Dimensions { get; init; }

    public int Count => Texts.Count + Tokens.Count;
}
