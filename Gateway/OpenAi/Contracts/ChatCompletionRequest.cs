using System.Text.Json;
using System.Text.Json.Serialization;

namespace Verge.Orleans.Gateway.OpenAi.Contracts;

/// <summary>
/// The <c>/v1/chat/completions</c> body as it arrives: every field typed as OpenAI's schema states (a
/// wrong type fails deserialization with the field's path), fields with several shapes kept as JSON for
/// <see cref="ChatRequestValidator"/>, and unknown fields kept in <see cref="Extra"/>.
/// </summary>
internal sealed record ChatCompletionRequest
{
    public string? Model { get; init; }

    public List<ChatMessageBody?>? Messages { get; init; }

    public bool? Stream { get; init; }

    public StreamOptionsBody? StreamOptions { get; init; }

    public int? MaxTokens { get; init; }

    public int? MaxCompletionTokens { get; init; }

    public double? Temperature { get; init; }

    public double? TopP { get; init; }

    public int? TopK { get; init; }

    public double? MinP { get; init; }

    public long? Seed { get; init; }

    /// <summary>A string or an array of strings.</summary>
    public JsonElement? Stop { get; init; }

    public int? N { get; init; }

    public double? PresencePenalty { get; init; }

    public double? FrequencyPenalty { get; init; }

    public double? RepeatPenalty { get; init; }

    public Dictionary<string, double>? LogitBias { get; init; }

    public bool? Logprobs { get; init; }

    public int? TopLogprobs { get; init; }

    public List<ToolBody?>? Tools { get; init; }

    /// <summary><c>"none"</c>, <c>"auto"</c>, <c>"required"</c> or <c>{"type":"function","function":{"name":...}}</c>.</summary>
    public JsonElement? ToolChoice { get; init; }

    public bool? ParallelToolCalls { get; init; }

    public ResponseFormatBody? ResponseFormat { get; init; }

    /// <summary>llama.cpp's own field: a JSON Schema the output must match.</summary>
    public JsonElement? JsonSchema { get; init; }

    /// <summary>llama.cpp's own field: a GBNF grammar the output must match.</summary>
    public string? Grammar { get; init; }

    public JsonElement? ChatTemplateKwargs { get; init; }

    public bool? IgnoreEos { get; init; }

    public JsonElement? SessionId { get; init; }

    public bool? ChatHistory { get; init; }

    public string? User { get; init; }

    public JsonElement? Metadata { get; init; }

    public bool? Store { get; init; }

    public string? ServiceTier { get; init; }

    public string? ReasoningEffort { get; init; }

    public List<string>? Modalities { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

internal sealed record StreamOptionsBody(bool? IncludeUsage);

internal sealed record ChatMessageBody
{
    public string? Role { get; init; }

    /// <summary>A string, an array of content parts, or null.</summary>
    public JsonElement? Content { get; init; }

    public string? Name { get; init; }

    public List<ToolCallBody?>? ToolCalls { get; init; }

    public string? ToolCallId { get; init; }

    public string? ReasoningContent { get; init; }

    public string? Reasoning { get; init; }

    public string? Refusal { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

internal sealed record ToolCallBody(string? Id, string? Type, FunctionCallBody? Function);

/// <summary>A call sent back; <c>arguments</c> is a JSON text by OpenAI's schema (some clients send the object itself).</summary>
internal sealed record FunctionCallBody(string? Name, JsonElement? Arguments);

internal sealed record ToolBody(string? Type, FunctionBody? Function);

internal sealed record FunctionBody(string? Name, string? Description, JsonElement? Parameters, bool? Strict);

internal sealed record ResponseFormatBody(string? Type, JsonSchemaFormatBody? JsonSchema);

internal sealed record JsonSchemaFormatBody(string? Name, string? Description, JsonElement? Schema, bool? Strict);
