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

internal sealed record ChunkChoice(int Index, ChunkDelta Delta, string? FinishReason)
{
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)]
    public string? FinishReason { get; init; } = FinishReason;
}

internal sealed record ChunkDelta(string? Role = null, string? Content = null, string? ReasoningContent = null);
