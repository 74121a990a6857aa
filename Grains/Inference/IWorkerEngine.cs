namespace Verge.Orleans.Grains.Inference;

/// <summary>What the silo and a worker need from any engine a worker runs: chat generation or embeddings.</summary>
internal interface IWorkerEngine : IDisposable
{
    LoadedModel Model { get; }

    EngineCounters Counters { get; }

    /// <summary>Every accepted request has finished and its output has been read.</summary>
    bool Idle { get; }

    /// <summary>Refuses new requests from now on; the ones already accepted run to their end.</summary>
    void Drain();
}
