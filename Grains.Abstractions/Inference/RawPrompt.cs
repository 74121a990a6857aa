namespace Verge.Orleans.Grains.Abstractions.Inference;

/// <summary>
/// A prompt given as it is (the legacy <c>/v1/completions</c>): text or token ids, never rendered with a
/// chat template. Exactly one of <see cref="Text"/> and <see cref="Tokens"/> is set.
/// </summary>
[GenerateSerializer, Immutable, Alias("verge.RawPrompt")]
public sealed record RawPrompt
{
    /// <summary>Text, tokenized with control tokens recognised (as llama.cpp's completion endpoint does).</summary>
    [Id(0)] public string? Text { get; init; }

    /// <summary>Token ids of the model's vocabulary, used as they are.</summary>
    [Id(1)] public IReadOnlyList<int>? Tokens { get; init; }

    /// <summary>Text after the gap: fill in the middle with the model's FIM tokens (prefix, suffix, middle).</summary>
    [Id(2)] public string? Suffix { get; init; }

    /// <summary>Each choice's text starts with the prompt's text.</summary>
    [Id(3)] public bool Echo { get; init; }
}
