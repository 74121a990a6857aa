namespace Verge.Orleans.Grains.Abstractions.Grains;

/// <summary>
/// What a worker pushes to its model grain whenever its load or the prefixes it holds change: the
/// router's whole view of it, so no request waits for a status call.
/// </summary>
[GenerateSerializer, Immutable, Alias("verge.WorkerReport")]
public sealed record WorkerReport
{
    [Id(0)] public required string Worker { get; init; }

    /// <summary>The silo the worker runs on.</summary>
    [Id(1)] public required string Silo { get; init; }

    /// <summary>Increases with every report, also across activations: a late report never replaces a newer one.</summary>
    [Id(2)] public long Sequence { get; init; }

    [Id(3)] public int SlotsBusy { get; init; }

    [Id(4)] public int SlotsTotal { get; init; }

    [Id(5)] public int Queued { get; init; }

    /// <summary>The worker's silo is stopping: it takes nothing new.</summary>
    [Id(6)] public bool Draining { get; init; }

    /// <summary>
    /// The digest of the prompt prefixes whose KV the worker holds (in slots or its host-RAM prompt cache):
    /// the chained block hashes of the prompts it served most recently (see <c>PromptBlocks</c>).
    /// </summary>
    [Id(7)] public IReadOnlyList<ulong> Prefixes { get; init; } = [];
}
