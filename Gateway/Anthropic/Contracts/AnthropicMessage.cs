using System.Text.Json;
using System.Text.Json.Serialization;

namespace Verge.Orleans.Gateway.Anthropic.Contracts;

/// <summary>Anthropic's <c>message</c> object: the whole answer, or the shell <c>message_start</c> carries.</summary>
internal sealed record AnthropicMessage
{
    public required string Id { get; init; }

    [JsonPropertyOrder(-1)]
    public string Type => "message";

    public string Role => "assistant";

    public required string Model { get; init; }

    public required IReadOnlyList<ContentBlock> Content { get; init; }

    /// <summary><c>end_turn</c>, <c>max_tokens</c>, <c>stop_sequence</c> or <c>tool_use</c>; null in <c>message_start</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? StopReason { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? StopSequence { get; init; }

    public required AnthropicUsage Usage { get; init; }
}

/// <summary>
/// One content block: <c>thinking</c> (<see cref="Thinking"/>, <see cref="Signature"/>), <c>text</c>
/// (<see cref="Text"/>) or <c>tool_use</c> (<see cref="Id"/>, <see cref="Name"/>, <see cref="Input"/>).
/// </summary>
internal sealed record ContentBlock(string Type)
{
    public string? Thinking { get; init; }

    public string? Signature { get; init; }

    public string? Text { get; init; }

    public string? Id { get; init; }

    public string? Name { get; init; }

    public JsonElement? Input { get; init; }
}

/// <summary>
/// Token counts as Anthropic reports them: <see cref="InputTokens"/> are the prompt tokens evaluated for
/// this request, <see cref="CacheReadInputTokens"/> those reused from a worker's prompt cache (the two add
/// up to the prompt, which is what <c>count_tokens</c> returns).
/// </summary>
internal sealed record AnthropicUsage(int InputTokens, int OutputTokens, int CacheReadInputTokens, int CacheCreationInputTokens = 0);

/// <summary>The <c>/v1/messages/count_tokens</c> answer.</summary>
internal sealed record TokenCount(int InputTokens);

/// <summary>Anthropic's error body; <see cref="Err"/> carries VergeOS' <c>"Login required"</c> beside it for key errors.</summary>
internal sealed record AnthropicErrorResponse(AnthropicErrorBody Error, string? Err = null)
{
    [JsonPropertyOrder(-1)]
    public string Type => "error";
}

/// <summary><c>invalid_request_error</c>, <c>authentication_error</c>, <c>permission_error</c>, <c>not_found_error</c>, <c>rate_limit_error</c>, <c>api_error</c> or <c>overloaded_error</c>.</summary>
internal sealed record AnthropicErrorBody(string Type, string Message);
