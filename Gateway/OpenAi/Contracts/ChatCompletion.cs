using System.Text.Json.Serialization;

namespace Verge.Orleans.Gateway.OpenAi.Contracts;

/// <summary>The non-streamed answer: OpenAI's <c>chat.completion</c> plus llama.cpp's <c>timings</c>.</summary>
internal sealed record ChatCompletion(
    string Id,
    long Created,
    string Model,
    string SystemFingerprint,
    IReadOnlyList<ChatChoice> Choices,
    Usage Usage,
    Timings Timings)
{
    public string Object => "chat.completion";
}

internal sealed record ChatChoice(int Index, AssistantMessage Message, string FinishReason, ChoiceLogprobs? Logprobs)
{
    /// <summary>OpenAI's schema requires the key: null when log probabilities were not asked for.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public ChoiceLogprobs? Logprobs { get; init; } = Logprobs;
}

/// <summary>
/// The answer. <c>content</c> is null when the model only called tools; reasoning is sent as
/// <c>reasoning_content</c> (llama.cpp, DeepSeek) and as <c>reasoning</c> (vLLM, Ollama).
/// </summary>
internal sealed record AssistantMessage(string? Content, string? ReasoningContent, IReadOnlyList<ToolCallWire>? ToolCalls)
{
    public string Role => "assistant";

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Content { get; init; } = Content;

    public string? Reasoning => ReasoningContent;

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Refusal => null;
}

internal sealed record ToolCallWire(string Id, FunctionCallWire Function)
{
    public string Type => "function";
}

internal sealed record FunctionCallWire(string Name, string Arguments);

internal sealed record ChoiceLogprobs(IReadOnlyList<LogprobWire> Content)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public IReadOnlyList<LogprobWire>? Refusal => null;
}

internal sealed record LogprobWire(string Token, double Logprob, IReadOnlyList<int> Bytes, IReadOnlyList<TopLogprobWire> TopLogprobs);

internal sealed record TopLogprobWire(string Token, double Logprob, IReadOnlyList<int> Bytes);
