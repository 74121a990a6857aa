using System.Text.Json.Serialization;

namespace Verge.Orleans.Gateway.Anthropic.Contracts;

/// <summary><c>message_start</c>: the message with no content yet.</summary>
internal sealed record MessageStartEvent(AnthropicMessage Message)
{
    [JsonPropertyOrder(-1)]
    public string Type => "message_start";
}

/// <summary><c>content_block_start</c>: an empty block of its kind (a <c>tool_use</c> with its id, name and <c>{}</c>).</summary>
internal sealed record ContentBlockStartEvent(int Index, ContentBlock ContentBlock)
{
    [JsonPropertyOrder(-1)]
    public string Type => "content_block_start";
}

internal sealed record ContentBlockDeltaEvent(int Index, BlockDelta Delta)
{
    [JsonPropertyOrder(-1)]
    public string Type => "content_block_delta";
}

/// <summary><c>thinking_delta</c>, <c>signature_delta</c>, <c>text_delta</c> or <c>input_json_delta</c>.</summary>
internal sealed record BlockDelta(string Type)
{
    public string? Thinking { get; init; }

    public string? Signature { get; init; }

    public string? Text { get; init; }

    public string? PartialJson { get; init; }
}

internal sealed record ContentBlockStopEvent(int Index)
{
    [JsonPropertyOrder(-1)]
    public string Type => "content_block_stop";
}

/// <summary><c>message_delta</c>: how the message ended, and its final usage.</summary>
internal sealed record MessageDeltaEvent(MessageDelta Delta, AnthropicUsage Usage)
{
    [JsonPropertyOrder(-1)]
    public string Type => "message_delta";
}

internal sealed record MessageDelta(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string StopReason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? StopSequence);

/// <summary><c>message_stop</c> and <c>ping</c>: nothing but their type.</summary>
internal sealed record BareEvent(string Type);
