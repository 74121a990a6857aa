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

internal sealed record ChatChoice(int Index, AssistantMessage Message, string FinishReason);

internal sealed record AssistantMessage(string Content, string? ReasoningContent)
{
    public string Role => "assistant";

    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)]
    public string? Refusal => null;
}
