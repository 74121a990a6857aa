using System.Text.Json.Serialization;

namespace Verge.Orleans.Gateway.OpenAi.Contracts;

/// <summary>Source-generated, strict readers for request bodies: snake_case, no numbers from strings, no comments.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, MaxDepth = 64)]
[JsonSerializable(typeof(ChatCompletionRequest))]
[JsonSerializable(typeof(CompletionRequest))]
[JsonSerializable(typeof(CreateResponseRequest))]
[JsonSerializable(typeof(EmbeddingCreateRequest))]
internal sealed partial class OpenAiRequestJsonContext : JsonSerializerContext;
