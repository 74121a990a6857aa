namespace Verge.Orleans.Grains.Inference;

/// <summary>A snapshot of what an engine is doing and has done.</summary>
internal sealed record EngineCounters(
    int SlotsBusy,
    int SlotsTotal,
    int Queued,
    long Steps,
    long SharedSteps,
    int MaxSequencesPerStep,
    long CompletedRequests,
    long GeneratedTokens,
    double TokensPerSecond,
    long PromptTokensEvaluated,
    PromptCacheCounters PromptCache);
