using System.Text.Json;
using System.Text.Json.Serialization;

namespace Verge.Orleans.Gateway.OpenAi.Contracts;

/// <summary>
/// The <c>/v1/embeddings</c> body as it arrives: <see cref="Input"/> has four shapes and is kept as JSON
/// for <see cref="EmbeddingRequestValidator"/>; unknown fields are kept in <see cref="Extra"/>.
/// </summary>
internal sealed record EmbeddingCreateRequest
{
    public string? Model { get; init; }

    /// <summary>A string, an array of strings, an array of token ids, or an array of token-id arrays.</summary>
    public JsonElement? Input { get; init; }

    public string? EncodingFormat { get; init; }

    public int? Dimensions { get; init; }

    public string? User { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}
