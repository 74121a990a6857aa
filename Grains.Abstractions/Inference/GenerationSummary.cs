namespace Verge.Orleans.Grains.Abstractions.Inference;

/// <summary>How a generation ended, measured by the engine itself (llama.cpp's <c>timings</c>).</summary>
[GenerateSerializer, Immutable, Alias("verge.GenerationSummary")]
public sealed record GenerationSummary
{
    [Id(0)] public FinishReason FinishReason { get; init; }

    /// <summary>All prompt tokens, cached or not.</summary>
    [Id(1)] public int PromptTokens { get; init; }

    /// <summary>Prompt tokens evaluated for this request (fewer than <see cref="PromptTokens"/> when a prefix was reused).</summary>
    [Id(2)] public int PromptEvaluated { get; init; }

    [Id(3)] public double PromptMs { get; init; }

    [Id(4)] public int CompletionTokens { get; init; }

    [Id(5)] public double PredictedMs { get; init; }

    /// <summary>
    /// Time on the worker before the prompt's evaluation began: waiting for a free slot, for the step running
    /// when it came and for prompts ahead of it.
    /// </summary>
    [Id(6)] public double QueueMs { get; init; }

    [Id(7)] public string Worker { get; init; } = "";

    /// <summary>Completion tokens spent inside the reasoning block.</summary>
    [Id(8)] public int ReasoningTokens { get; init; }

    /// <summary>Which of the request's <c>n</c> answers this summary ends (each has its own; prompt figures repeat).</summary>
    [Id(9)] public int Choice { get; init; }

    /// <summary>With <see cref="FinishReason.Stop"/>: the request's stop string that ended the answer, or null for an end-of-generation token.</summary>
    [Id(10)] public string? StopSequence { get; init; }

    /// <summary>Prompt tokens whose KV the worker already held (reused, not evaluated).</summary>
    public int CachedTokens => PromptTokens - PromptEvaluated;
}
