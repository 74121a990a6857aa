namespace Verge.Orleans.Grains.Inference;

/// <summary>How one sequence picks its tokens and when it ends.</summary>
internal sealed record SamplingSettings
{
    public float Temperature { get; init; }

    public float TopP { get; init; } = 1f;

    /// <summary>0 keeps every candidate.</summary>
    public int TopK { get; init; }

    /// <summary>0 keeps every candidate.</summary>
    public float MinP { get; init; }

    public uint Seed { get; init; }

    /// <summary>OpenAI's presence penalty (0 = off), over the last <see cref="PenaltyWindow"/> tokens.</summary>
    public float PresencePenalty { get; init; }

    /// <summary>OpenAI's frequency penalty (0 = off), over the last <see cref="PenaltyWindow"/> tokens.</summary>
    public float FrequencyPenalty { get; init; }

    /// <summary>llama.cpp's repeat penalty (1 = off).</summary>
    public float RepeatPenalty { get; init; } = 1f;

    public int PenaltyWindow { get; init; } = 64;

    /// <summary>Token id → bias added to its logit.</summary>
    public IReadOnlyDictionary<int, float> LogitBias { get; init; } = new Dictionary<int, float>();

    /// <summary>Report each sampled token's log probability (of the model's distribution).</summary>
    public bool Logprobs { get; init; }

    /// <summary>With <see cref="Logprobs"/>: alternatives per position, 0..20.</summary>
    public int TopLogprobs { get; init; }

    /// <summary>Answers generated from one evaluation of the prompt; each samples with seed <see cref="Seed"/> + its index.</summary>
    public int N { get; init; } = 1;

    /// <summary>Most tokens to generate; the sequence's context bounds it too.</summary>
    public int MaxTokens { get; init; } = int.MaxValue;

    public IReadOnlyList<string> Stop { get; init; } = [];

    public bool IgnoreEos { get; init; }

    /// <summary>Treat output as reasoning until <c>&lt;/think&gt;</c> (Insert Think Tag, or a prompt that opened the block).</summary>
    public bool StartInReasoning { get; init; }

    /// <summary>Split <c>&lt;think&gt;</c> blocks out of the content.</summary>
    public bool SplitReasoning { get; init; }

    /// <summary>
    /// A GBNF grammar (root rule <c>root</c>) the output must follow, or null. Without
    /// <see cref="GrammarTriggers"/> it holds from the first token of the content (after the reasoning
    /// block when the model reasons); with triggers it holds from the first trigger token on.
    /// </summary>
    public string? Grammar { get; init; }

    /// <summary>Separate tool calls written in this format from the content, or null when the request declared no tools.</summary>
    public Tools.ToolCallFormat? ToolCalls { get; init; }

    /// <summary>Token ids that engage <see cref="Grammar"/> lazily (a tool call's opening tag); the trigger is part of the grammar's text.</summary>
    public IReadOnlyList<int> GrammarTriggers { get; init; } = [];

    /// <summary>Part of a conversation that will come back (a chat session, a response chain): its cached prefix is evicted last.</summary>
    public bool Conversation { get; init; }
}
