namespace Verge.Orleans.Grains.Inference;

/// <summary>What an engine's decode thread has done, counted there and read from any thread.</summary>
internal sealed class EngineStats
{
    private readonly ThroughputMeter _throughput = new(TimeProvider.System);
    private long _steps;
    private long _sharedSteps;
    private int _maxPerStep;
    private long _completed;
    private long _generated;
    private long _promptEvaluated;

    public long Completed => Interlocked.Read(ref _completed);

    public void Step(int sequences)
    {
        Interlocked.Increment(ref _steps);
        if (sequences > 1)
        {
            Interlocked.Increment(ref _sharedSteps);
        }

        if (sequences > _maxPerStep)
        {
            Volatile.Write(ref _maxPerStep, sequences);
        }
    }

    /// <summary>Prompt tokens decoded (a prompt shared by several choices counts once).</summary>
    public void PromptEvaluated(int tokens) => Interlocked.Add(ref _promptEvaluated, tokens);

    public void Generated()
    {
        Interlocked.Increment(ref _generated);
        _throughput.Add();
    }

    public void RequestCompleted() => Interlocked.Increment(ref _completed);

    public EngineCounters Snapshot(int busy, int slots, int queued) => new(
        busy, slots, queued, Interlocked.Read(ref _steps), Interlocked.Read(ref _sharedSteps), Volatile.Read(ref _maxPerStep),
        Completed, Interlocked.Read(ref _generated), _throughput.PerSecond, Interlocked.Read(ref _promptEvaluated));
}
