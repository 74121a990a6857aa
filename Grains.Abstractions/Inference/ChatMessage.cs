namespace Verge.Orleans.Grains.Abstractions.Inference;

/// <summary>
/// One turn of a conversation, already validated by the gateway. Roles: <c>system</c> (also OpenAI's
/// <c>developer</c>), <c>user</c>, <c>assistant</c> (may carry <see cref="ToolCalls"/> and <see cref="Reasoning"/>)
/// and <c>tool</c> (a function's result for <see cref="ToolCallId"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("verge.ChatMessage")]
public sealed record ChatMessage([property: Id(0)] string Role, [property: Id(1)] string Content)
{
    /// <summary>The participant's name (OpenAI's <c>name</c>), for templates that show it.</summary>
    [Id(2)] public string? Name { get; init; }

    /// <summary>The calls an assistant turn made.</summary>
    [Id(3)] public IReadOnlyList<ToolCall>? ToolCalls { get; init; }

    /// <summary>On a <c>tool</c> message: the call it answers.</summary>
    [Id(4)] public string? ToolCallId { get; init; }

    /// <summary>On an assistant turn sent back: its reasoning, placed where the model's template wants it.</summary>
    [Id(5)] public string? Reasoning { get; init; }
}
