using System.Text.Json.Serialization;

namespace Verge.Orleans.Gateway.OpenAi.Contracts;

/// <summary>A legacy completion (<c>text_completion</c>): the whole answer, or one SSE chunk of it.</summary>
internal sealed record TextCompletion(
    string Id,
    long Created,
    string Model,
    string SystemFingerprint,
    IReadOnlyList<TextChoice> Choices,
    Usage? Usage = null,
    Timings? Timings = null)
{
    public string Object => "text_completion";
}

internal sealed record TextChoice(int Index, string Text, TextLogprobs? Logprobs, string? FinishReason)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public TextLogprobs? Logprobs { get; init; } = Logprobs;

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? FinishReason { get; init; } = FinishReason;
}

/// <summary>The legacy log probabilities: per generated token its text, log probability, alternatives and offset in the choice's text.</summary>
internal sealed record TextLogprobs(
    IReadOnlyList<string> Tokens,
    IReadOnlyList<float> TokenLogprobs,
    IReadOnlyList<Dictionary<string, float>> TopLogprobs,
    IReadOnlyList<int> TextOffset);
