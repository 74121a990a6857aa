using System.Text.Json.Serialization;

namespace Verge.Orleans.Gateway.Anthropic.Contracts;

/// <summary>Source-generated serializers for Anthropic's wire records (snake_case, nulls omitted unless marked).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AnthropicMessage))]
[JsonSerializable(typeof(TokenCount))]
[JsonSerializable(typeof(AnthropicErrorResponse))]
[JsonSerializable(typeof(MessageStartEvent))]
[JsonSerializable(typeof(ContentBlockStartEvent))]
[JsonSerializable(typeof(ContentBlockDeltaEvent))]
[JsonSerializable(typeof(ContentBlockStopEvent))]
[JsonSerializable(typeof(MessageDeltaEvent))]
[JsonSerializable(typeof(BareEvent))]
internal sealed partial class AnthropicJsonContext : JsonSerializerContext;

/// <summary>Source-generated, strict reader for the request bodies (snake_case, no numbers from strings).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, MaxDepth = 64)]
[JsonSerializable(typeof(MessagesRequest))]
internal sealed partial class AnthropicRequestJsonContext : JsonSerializerContext;
