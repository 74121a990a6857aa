namespace Verge.Orleans.Grains.Abstractions.Limits;

/// <summary>One finished generation's tokens, as its client's <c>usage</c> object counted them.</summary>
[GenerateSerializer, Immutable, Alias("verge.UsageRecord")]
public sealed record UsageRecord(
    [property: Id(0)] string RequestId,
    [property: Id(1)] string Key,
    [property: Id(2)] string Assistant,
    [property: Id(3)] long PromptTokens,
    [property: Id(4)] long CachedTokens,
    [property: Id(5)] long CompletionTokens);
