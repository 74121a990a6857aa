namespace Verge.Orleans.Grains.Inference;

/// <summary>How one worker's engine is sized.</summary>
internal sealed record EngineOptions
{
    /// <summary>Sequences decoded together (slots).</summary>
    public required int Parallel { get; init; }

    /// <summary>Most tokens one sequence may hold: prompt plus output.</summary>
    public required int ContextSize { get; init; }

    public required int Threads { get; init; }

    /// <summary>Requests that may wait for a slot before new ones are refused.</summary>
    public int MaxQueue { get; init; } = 64;

    /// <summary>Longest wait for a slot (see <see cref="Abstractions.Catalog.ModelSpec.MaxQueueSeconds"/>).</summary>
    public TimeSpan MaxQueueWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Tokens per decode step; prompts are fed in chunks that fit beside the generating sequences.</summary>
    public int BatchSize { get; init; } = 512;

    /// <summary>
    /// Most prompt tokens a step evaluates when other sequences share the engine: a step's time is what their
    /// next token waits (about 0.4 s for 128 tokens of a 0.5B model on two cores). A prompt alone takes whole batches.
    /// </summary>
    public int SharedPrefillChunk { get; init; } = 128;

    /// <summary>Host RAM for the states of slots taken by other requests (0: none); see <see cref="PromptCache"/>.</summary>
    public long PromptCacheBytes { get; init; } = 256L << 20;

    /// <summary>The model's Insert Think Tag: prompts end inside an opened think block.</summary>
    public bool InsertThinkTag { get; init; }
}
