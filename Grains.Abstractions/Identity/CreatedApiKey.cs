namespace Verge.Orleans.Grains.Abstractions.Identity;

/// <summary>A new key with its token, which is shown this once and never stored.</summary>
[GenerateSerializer, Immutable, Alias("verge.CreatedApiKey")]
public sealed record CreatedApiKey([property: Id(0)] ApiKeyInfo Key, [property: Id(1)] string Token);
