using System.Text.Json.Serialization;

namespace Verge.Orleans.Gateway.OpenAi.Contracts;

/// <summary>
/// One Responses SSE event (<c>response.created</c>, <c>response.output_text.delta</c>, ...): its type, its
/// place in the stream, and whichever of the fields below its type carries.
/// </summary>
internal sealed record ResponseStreamEvent(string Type, int SequenceNumber)
{
    public ResponseObject? Response { get; init; }

    public int? OutputIndex { get; init; }

    public string? ItemId { get; init; }

    public int? ContentIndex { get; init; }

    public ResponseItemWire? Item { get; init; }

    public ResponsePartWire? Part { get; init; }

    public string? Delta { get; init; }

    public string? Text { get; init; }

    public string? Name { get; init; }

    public string? Arguments { get; init; }

    [JsonPropertyName("logprobs")]
    public IReadOnlyList<System.Text.Json.JsonElement>? Logprobs { get; init; }

    public string? Code { get; init; }

    public string? Message { get; init; }

    public string? Param { get; init; }
}
