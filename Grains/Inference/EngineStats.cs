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
    private long _cacheHits;
    private long _cacheMisses;
    private long _restores;
    private long _saves;
    private long _saveTicks;
    private long _restoreTicks;
    private long _cacheBytes;
    private int _cacheEntries;
    private long _evictions;
    private long _holdTicks;

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

    /// <summary>A request ended; with when it was <paramref name="admitted"/> (a timestamp), its slot time counts toward the wait estimate.</summary>
    public void RequestCompleted(long admitted = 0)
    {
        Interlocked.Increment(ref _completed);
        if (admitted == 0)
        {
            return;
        }

        // How long a request holds its slot, smoothed over the last requests or so: the basis of the wait estimate.
        var held = System.Diagnostics.Stopwatch.GetTimestamp() - admitted;
        var mean = Interlocked.Read(ref _holdTicks);
        Interlocked.Exchange(ref _holdTicks, mean == 0 ? held : mean + (held - mean) / 8);
    }

    /// <summary>
    /// The wait before a new request gets a slot when <paramref name="ahead"/> requests wait before it for
    /// <paramref name="slots"/> slots, of which <paramref name="free"/> are free: whole rounds of slot
    /// holding times. Zero until a request has completed (nothing measured yet).
    /// </summary>
    public TimeSpan EstimatedWait(int ahead, int free, int slots)
    {
        var rounds = Math.Max(0, ahead + 1 - free) / (double)slots;
        return TimeSpan.FromSeconds(rounds * Interlocked.Read(ref _holdTicks) / System.Diagnostics.Stopwatch.Frequency);
    }

    /// <summary>A request was placed: it reused a cached prefix or nothing.</summary>
    public void Placed(bool reused) => Interlocked.Increment(ref reused ? ref _cacheHits : ref _cacheMisses);

    /// <summary>A slot's state went to host RAM, taking <paramref name="ticks"/> (Stopwatch) on the decode thread.</summary>
    public void Saved(long ticks)
    {
        Interlocked.Increment(ref _saves);
        Interlocked.Add(ref _saveTicks, ticks);
    }

    /// <summary>A state came back from host RAM into a slot.</summary>
    public void Restored(long ticks)
    {
        Interlocked.Increment(ref _restores);
        Interlocked.Add(ref _restoreTicks, ticks);
    }

    /// <summary>What the host-RAM cache holds now.</summary>
    public void Held(PromptCache cache)
    {
        Interlocked.Exchange(ref _cacheBytes, cache.Bytes);
        Volatile.Write(ref _cacheEntries, cache.Count);
        Interlocked.Exchange(ref _evictions, cache.Evictions);
    }

    public EngineCounters Snapshot(int busy, int slots, int queued) => new(
        busy, slots, queued, Interlocked.Read(ref _steps), Interlocked.Read(ref _sharedSteps), Volatile.Read(ref _maxPerStep),
        Completed, Interlocked.Read(ref _generated), _throughput.PerSecond, Interlocked.Read(ref _promptEvaluated),
        new PromptCacheCounters(Interlocked.Read(ref _cacheHits), Interlocked.Read(ref _cacheMisses), Interlocked.Read(ref _restores),
            Interlocked.Read(ref _saves), Interlocked.Read(ref _evictions), Interlocked.Read(ref _cacheBytes), Volatile.Read(ref _cacheEntries),
            Milliseconds(ref _saveTicks), Milliseconds(ref _restoreTicks)));

    private static double Milliseconds(ref long ticks) => Interlocked.Read(ref ticks) * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
}
