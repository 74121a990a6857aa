using System.Text.Json;
using System.Text.Json.Serialization;

namespace Verge.Orleans.Gateway.OpenAi.Contracts;

/// <summary>
/// The <c>POST /v1/responses</c> body as it arrives: fields typed as OpenAI's schema states, fields with
/// several shapes (<c>input</c>, <c>tool_choice</c>) kept as JSON for <see cref="ResponsesRequestValidator"/>,
/// unknown fields in <see cref="Extra"/>.
/// </summary>
internal sealed record CreateResponseRequest
{
    public string? Model { get; init; }

    /// <summary>A string, or an array of input items.</summary>
    public JsonElement? Input { get; init; }

    public string? Instructions { get; init; }

    public string? PreviousResponseId { get; init; }

    public bool? Store { get; init; }

    public bool? Stream { get; init; }

    public List<ResponseToolBody?>? Tools { get; init; }

    /// <summary><c>"none"</c>, <c>"auto"</c>, <c>"required"</c> or <c>{"type":"function","name":...}</c>.</summary>
    public JsonElement? ToolChoice { get; init; }

    public bool? ParallelToolCalls { get; init; }

    public ResponseTextBody? Text { get; init; }

    public int? MaxOutputTokens { get; init; }

    public double? Temperature { get; init; }

    public double? TopP { get; init; }

    /// <summary>Accepted (<c>effort</c>, <c>summary</c>): the model reasons as it was trained to.</summary>
    public JsonElement? Reasoning { get; init; }

    public Dictionary<string, string>? Metadata { get; init; }

    public string? User { get; init; }

    public string? Truncation { get; init; }

    public string? ServiceTier { get; init; }

    public List<string>? Include { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>A Responses tool: functions are flat (<c>{"type":"function","name",...}</c>), unlike chat's.</summary>
internal sealed record ResponseToolBody(string? Type, string? Name, string? Description, JsonElement? Parameters, bool? Strict);

internal sealed record ResponseTextBody(ResponseTextFormatBody? Format);

internal sealed record ResponseTextFormatBody(string? Type, string? Name, string? Description, JsonElement? Schema, bool? Strict);
