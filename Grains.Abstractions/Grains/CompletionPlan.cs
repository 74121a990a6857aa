using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Abstractions.Sessions;

namespace Verge.Orleans.Grains.Abstractions.Grains;

/// <summary>
/// Where and what to generate, decided by the assistant: the gateway then streams from the worker, and
/// stores the turn in <see cref="Session"/> once the answer has completed (null: nothing to store).
/// </summary>
[GenerateSerializer, Immutable, Alias("verge.CompletionPlan")]
public sealed record CompletionPlan(
    [property: Id(0)] string Worker,
    [property: Id(1)] GenerationRequest Request,
    [property: Id(2)] SessionRecording? Session = null);
