namespace Verge.Orleans.Grains.Inference;

/// <summary>How one sequence picks its tokens and when it ends.</summary>
internal sealed record SamplingSettings
{
    public float Temperature { get; init; }

    public float TopP { get; init; } = 1f;

    public uint Seed { get; init; }

    /// <summary>Most tokens to generate; the sequence's context bounds it too.</summary>
    public int MaxTokens { get; init; } = int.MaxValue;

    public IReadOnlyList<string> Stop { get; init; } = [];

    public bool IgnoreEos { get; init; }

    /// <summary>Treat output as reasoning until <c>&lt;/think&gt;</c> (Insert Think Tag, or a prompt that opened the block).</summary>
    public bool StartInReasoning { get; init; }

    /// <summary>Split <c>&lt;think&gt;</c> blocks out of the content.</summary>
    public bool SplitReasoning { get; init; }
}
