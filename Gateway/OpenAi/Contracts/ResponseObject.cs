using System.Text.Json;
using System.Text.Json.Serialization;

namespace Verge.Orleans.Gateway.OpenAi.Contracts;

/// <summary>OpenAI's <c>response</c> object, the answer of <c>POST /v1/responses</c> and of a read.</summary>
internal sealed record ResponseObject(
    string Id,
    long CreatedAt,
    string Status,
    string Model,
    IReadOnlyList<ResponseItemWire> Output,
    ResponseUsage? Usage)
{
    [JsonPropertyOrder(-1)]
    public string Object => "response";

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public IncompleteDetails? IncompleteDetails { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public ResponseError? Error { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Instructions { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? PreviousResponseId { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public int? MaxOutputTokens { get; init; }

    /// <summary>All output text joined, as the Python and JavaScript SDKs expose it.</summary>
    public string OutputText { get; init; } = "";

    public bool Store { get; init; }

    public bool ParallelToolCalls { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public double? Temperature { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public double? TopP { get; init; }

    public JsonElement ToolChoice { get; init; }

    public JsonElement Tools { get; init; }

    public JsonElement Text { get; init; }

    public JsonElement Reasoning { get; init; }

    public string Truncation { get; init; } = "disabled";

    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}

/// <summary>One output (or replayed input) item: a <c>message</c>, <c>reasoning</c> or <c>function_call</c>.</summary>
internal sealed record ResponseItemWire(string Type, string Id)
{
    public string? Status { get; init; }

    public string? Role { get; init; }

    public IReadOnlyList<ResponsePartWire>? Content { get; init; }

    public IReadOnlyList<ResponsePartWire>? Summary { get; init; }

    public string? CallId { get; init; }

    public string? Name { get; init; }

    public string? Arguments { get; init; }
}

/// <summary>A content part: <c>output_text</c> (with annotations and logprobs), <c>reasoning_text</c> or <c>summary_text</c>.</summary>
internal sealed record ResponsePartWire(string Type, string Text)
{
    public IReadOnlyList<JsonElement>? Annotations { get; init; }

    public IReadOnlyList<JsonElement>? Logprobs { get; init; }

    public static ResponsePartWire OutputText(string text) => new("output_text", text) { Annotations = [], Logprobs = [] };
}

internal sealed record ResponseUsage(int InputTokens, InputTokensDetails InputTokensDetails, int OutputTokens, OutputTokensDetails OutputTokensDetails, int TotalTokens);

internal sealed record InputTokensDetails(int CachedTokens);

internal sealed record OutputTokensDetails(int ReasoningTokens);

internal sealed record IncompleteDetails(string Reason);

internal sealed record ResponseError(string Code, string Message);

internal sealed record ResponseDeleted(string Id, bool Deleted)
{
    [JsonPropertyOrder(-1)]
    public string Object => "response.deleted";
}
