namespace Verge.Orleans.Grains.Inference;

/// <summary>
/// The prompt cache of an engine: requests that reused a cached prefix (from a free slot or restored
/// from host RAM) and those that reused nothing; what host RAM holds; what saving and restoring cost.
/// </summary>
internal sealed record PromptCacheCounters(
    long Hits,
    long Misses,
    long Restores,
    long Saves,
    long Evictions,
    long Bytes,
    int Entries,
    double SaveMs,
    double RestoreMs);
