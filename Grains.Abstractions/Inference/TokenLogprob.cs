namespace Verge.Orleans.Grains.Abstractions.Inference;

/// <summary>A sampled token's text, bytes and log probability, with the most likely alternatives at its position.</summary>
[GenerateSerializer, Immutable, Alias("verge.TokenLogprob")]
public sealed record TokenLogprob(
    [property: Id(0)] string Token,
    [property: Id(1)] float Logprob,
    [property: Id(2)] byte[] Bytes,
    [property: Id(3)] IReadOnlyList<TokenAlternative> Top);

/// <summary>One alternative at a position: its text, bytes and log probability.</summary>
[GenerateSerializer, Immutable, Alias("verge.TokenAlternative")]
public sealed record TokenAlternative(
    [property: Id(0)] string Token,
    [property: Id(1)] float Logprob,
    [property: Id(2)] byte[] Bytes);
