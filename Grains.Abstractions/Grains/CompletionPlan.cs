using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Grains.Abstractions.Grains;

/// <summary>Where and what to generate, decided by the assistant: the gateway then streams from the worker.</summary>
[GenerateSerializer, Immutable, Alias("verge.CompletionPlan")]
public sealed record CompletionPlan(
    [property: Id(0)] string Worker,
    [property: Id(1)] GenerationRequest Request);
