using System.Text.Json.Serialization;

namespace Verge.Orleans.Gateway.OpenAi.Contracts;

/// <summary>One SSE event of a streamed answer (<c>chat.completion.chunk</c>).</summary>
internal sealed record ChatCompletionChunk(
    string Id,
    long Created,
    string Model,
    string SystemFingerprint,
    IReadOnlyList<ChunkChoice> Choices,
    Usage? Usage = null,
    Timings? Timings = null)
{
    public string Object => "chat.completion.chunk";
}

internal sealed record ChunkChoice(int Index, ChunkDelta Delta, string? FinishReason, ChoiceLogprobs? Logprobs = null)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? FinishReason { get; init; } = FinishReason;

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public ChoiceLogprobs? Logprobs { get; init; } = Logprobs;
}

internal sealed record ChunkDelta(string? Role = null, string? Content = null, string? ReasoningContent = null, IReadOnlyList<ToolCallChunk>? ToolCalls = null)
{
    public string? Reasoning => ReasoningContent;
}

/// <summary>A piece of a streamed call: index, id, type and name first; later pieces only argument fragments.</summary>
internal sealed record ToolCallChunk(int Index, string? Id, string? Type, FunctionCallChunk Function);

internal sealed record FunctionCallChunk(string? Name, string Arguments);
