namespace Verge.Orleans.Grains.Abstractions.Inference;

/// <summary>One item of a model worker's token stream.</summary>
[GenerateSerializer, Immutable, Alias("verge.GenerationEvent")]
public sealed record GenerationEvent(
    [property: Id(0)] GenerationEventKind Kind,
    [property: Id(1)] string Content = "",
    [property: Id(2)] string Reasoning = "",
    [property: Id(3)] GenerationSummary? Summary = null,
    [property: Id(4)] int PromptTokens = 0);
