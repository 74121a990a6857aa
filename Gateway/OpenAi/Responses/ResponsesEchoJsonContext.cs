using System.Text.Json;
using System.Text.Json.Serialization;

namespace Verge.Orleans.Gateway.OpenAi.Responses;

/// <summary>The request settings a response object echoes back, in OpenAI's shapes.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<ToolEcho>))]
[JsonSerializable(typeof(TextEcho))]
[JsonSerializable(typeof(FunctionChoiceEcho))]
[JsonSerializable(typeof(string))]
internal sealed partial class ResponsesEchoJsonContext : JsonSerializerContext;

internal sealed record ToolEcho(string Name, string? Description, JsonElement Parameters, bool Strict)
{
    [JsonPropertyOrder(-1)]
    public string Type => "function";
}

internal sealed record TextEcho(FormatEcho Format);

internal sealed record FormatEcho(string Type)
{
    public string? Name { get; init; }

    public string? Description { get; init; }

    public JsonElement? Schema { get; init; }

    public bool? Strict { get; init; }
}

internal sealed record FunctionChoiceEcho(string Name)
{
    [JsonPropertyOrder(-1)]
    public string Type => "function";
}
