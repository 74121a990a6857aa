namespace Verge.Orleans.Grains.Abstractions.Inference;

/// <summary>One turn of a conversation, already validated by the gateway.</summary>
[GenerateSerializer, Immutable, Alias("verge.ChatMessage")]
public sealed record ChatMessage([property: Id(0)] string Role, [property: Id(1)] string Content);
