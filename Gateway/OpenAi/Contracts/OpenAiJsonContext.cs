using System.Text.Json.Serialization;

namespace Verge.Orleans.Gateway.OpenAi.Contracts;

/// <summary>Source-generated serializers for every OpenAI wire record (snake_case, nulls omitted unless marked).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChatCompletion))]
[JsonSerializable(typeof(ChatCompletionChunk))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(ModelEntry))]
[JsonSerializable(typeof(TextCompletion))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(ResponseObject))]
[JsonSerializable(typeof(ResponseStreamEvent))]
[JsonSerializable(typeof(ResponseDeleted))]
[JsonSerializable(typeof(EmbeddingList))]
internal sealed partial class OpenAiJsonContext : JsonSerializerContext;
