using System.Text.Json;
using System.Text.Json.Serialization;

namespace Verge.Orleans.Gateway.Anthropic.Contracts;

/// <summary>
/// The <c>/v1/messages</c> (and <c>/v1/messages/count_tokens</c>) body as it arrives: fields typed as
/// Anthropic's schema states, content kept as JSON for <see cref="MessagesRequestValidator"/> (a string or
/// typed blocks), unknown fields kept in <see cref="Extra"/>.
/// </summary>
internal sealed record MessagesRequest
{
    public string? Model { get; init; }

    public int? MaxTokens { get; init; }

    public List<AnthropicMessageBody?>? Messages { get; init; }

    /// <summary>A string or an array of text blocks.</summary>
    public JsonElement? System { get; init; }

    public List<string?>? StopSequences { get; init; }

    public double? Temperature { get; init; }

    public double? TopP { get; init; }

    public int? TopK { get; init; }

    public List<AnthropicToolBody?>? Tools { get; init; }

    public AnthropicToolChoiceBody? ToolChoice { get; init; }

    public ThinkingBody? Thinking { get; init; }

    /// <summary>Accepted (<c>user_id</c>) and not acted on.</summary>
    public JsonElement? Metadata { get; init; }

    public bool? Stream { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>A turn: <c>user</c> or <c>assistant</c>, content a string or an array of content blocks.</summary>
internal sealed record AnthropicMessageBody(string? Role, JsonElement? Content);

/// <summary>A client tool: <c>type</c> absent or <c>custom</c>; <c>input_schema</c> is the JSON Schema of its input.</summary>
internal sealed record AnthropicToolBody(string? Type, string? Name, string? Description, JsonElement? InputSchema);

/// <summary><c>auto</c>, <c>any</c>, <c>tool</c> (with <c>name</c>) or <c>none</c>.</summary>
internal sealed record AnthropicToolChoiceBody(string? Type, string? Name, bool? DisableParallelToolUse);

/// <summary><c>{"type":"enabled","budget_tokens":N}</c>, <c>{"type":"disabled"}</c> or <c>{"type":"adaptive"}</c>.</summary>
internal sealed record ThinkingBody(string? Type, int? BudgetTokens);
