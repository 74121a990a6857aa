namespace Verge.Orleans.Grains.Abstractions.Inference;

public enum GenerationEventKind
{
    /// <summary>The prompt fits and the request holds a place; nothing generated yet.</summary>
    Accepted,

    /// <summary>New text, split into visible content and reasoning.</summary>
    Delta,

    /// <summary>The last event: why generation ended, usage and timings.</summary>
    Finished,

    /// <summary>Nothing new yet, the worker is alive (sent after a short silence; never reaches a client).</summary>
    Heartbeat,
}
