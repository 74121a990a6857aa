namespace Verge.Orleans.Grains.Abstractions.Inference;

/// <summary>What a model worker generates from: the full conversation and the sampling settings.</summary>
[GenerateSerializer, Immutable, Alias("verge.GenerationRequest")]
public sealed record GenerationRequest
{
    [Id(0)] public required IReadOnlyList<ChatMessage> Messages { get; init; }

    /// <summary>0 means greedy decoding; null takes the assistant's, then the server's default.</summary>
    [Id(1)] public float? Temperature { get; init; }

    [Id(2)] public float? TopP { get; init; }

    [Id(3)] public uint? Seed { get; init; }

    /// <summary>Most tokens to generate; null runs to the end of the sequence's context.</summary>
    [Id(4)] public int? MaxTokens { get; init; }

    [Id(5)] public IReadOnlyList<string> Stop { get; init; } = [];

    /// <summary>Keep generating past end-of-generation tokens (llama.cpp's and vLLM's <c>ignore_eos</c>).</summary>
    [Id(6)] public bool IgnoreEos { get; init; }

    /// <summary>Open the assistant turn with an empty think block so a thinking model answers directly.</summary>
    [Id(7)] public bool DisableThink { get; init; }

    /// <summary>
    /// How many messages, right after the leading system messages, replay stored session turns. The
    /// worker drops them oldest turn first when the prompt would not leave room for the answer.
    /// </summary>
    [Id(8)] public int HistoryMessages { get; init; }
}
