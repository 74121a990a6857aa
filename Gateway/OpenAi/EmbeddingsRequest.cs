using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.OpenAi;

/// <summary>A validated <c>/v1/embeddings</c> body: what to embed, and how to write the vectors.</summary>
internal sealed record EmbeddingsRequest
{
    public required string Model { get; init; }

    public required EmbeddingRequest Embedding { get; init; }

    /// <summary><c>encoding_format: base64</c>: little-endian float32 bytes in base64 instead of numbers.</summary>
    public bool Base64 { get; init; }

    /// <summary>Fields we accept without acting on them (logged once).</summary>
    public IReadOnlyList<string> IgnoredFields { get; init; } = [];
}
