using LLama.Native;

namespace Verge.Orleans.Grains.Inference;

/// <summary>How one embedding worker's engine is sized.</summary>
internal sealed record EmbeddingOptions
{
    /// <summary>Most inputs (sequences) embedded in one decode.</summary>
    public required int Parallel { get; init; }

    /// <summary>Most tokens of one input.</summary>
    public required int ContextSize { get; init; }

    public required int Threads { get; init; }

    public required LLamaPoolingType Pooling { get; init; }

    /// <summary>Requests that may wait for the decode thread before new ones are refused.</summary>
    public int MaxQueue { get; init; } = 64;

    /// <summary>Tokens per decode; never below <see cref="ContextSize"/>, so every input fits one decode whole.</summary>
    public int BatchTokens => Math.Max(ContextSize, 2048);
}
