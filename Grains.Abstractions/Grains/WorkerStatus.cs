namespace Verge.Orleans.Grains.Abstractions.Grains;

/// <summary>A model worker as operators see it, with the engine's counters.</summary>
[GenerateSerializer, Immutable, Alias("verge.WorkerStatus")]
public sealed record WorkerStatus
{
    [Id(0)] public required string Worker { get; init; }

    [Id(1)] public required string Model { get; init; }

    [Id(2)] public required string Silo { get; init; }

    [Id(3)] public int SlotsBusy { get; init; }

    [Id(4)] public int SlotsTotal { get; init; }

    [Id(5)] public int Queued { get; init; }

    /// <summary>Decode steps run so far.</summary>
    [Id(6)] public long Steps { get; init; }

    /// <summary>Decode steps that carried tokens of two or more sequences (continuous batching at work).</summary>
    [Id(7)] public long SharedSteps { get; init; }

    /// <summary>Most sequences that ever shared one decode step.</summary>
    [Id(8)] public int MaxSequencesPerStep { get; init; }

    [Id(9)] public long CompletedRequests { get; init; }

    [Id(10)] public long GeneratedTokens { get; init; }

    public const string Idle = "Idle";
    public const string Online = "Online";
    public const string Draining = "Draining";

    /// <summary><see cref="Online"/> once the engine runs; <see cref="Draining"/> while its silo stops; <see cref="Idle"/> before it loads.</summary>
    [Id(11)] public string State { get; init; } = Idle;

    /// <summary>Tokens generated per second over the last ten seconds, all sequences together.</summary>
    [Id(12)] public double TokensPerSecond { get; init; }

    /// <summary>Resident memory of the silo process that hosts the worker (weights are memory-mapped and shared).</summary>
    [Id(13)] public long SiloResidentBytes { get; init; }

    /// <summary>Prompt tokens the engine evaluated (decoded), all requests together; reused and shared prefixes are not counted.</summary>
    [Id(14)] public long PromptTokensEvaluated { get; init; }

    /// <summary>Requests that reused a cached prompt prefix, from a free slot or restored from the host-RAM prompt cache.</summary>
    [Id(15)] public long PromptCacheHits { get; init; }

    /// <summary>Requests that reused no cached prefix.</summary>
    [Id(16)] public long PromptCacheMisses { get; init; }

    /// <summary>Host RAM the prompt cache holds (saved sequence states).</summary>
    [Id(17)] public long PromptCacheBytes { get; init; }

    [Id(18)] public int PromptCacheEntries { get; init; }

    /// <summary>Entries dropped (least recently used) to stay within the bound.</summary>
    [Id(19)] public long PromptCacheEvictions { get; init; }

    /// <summary>Hits whose prefix was restored from host RAM rather than found in a free slot.</summary>
    [Id(20)] public long PromptCacheRestores { get; init; }
}
