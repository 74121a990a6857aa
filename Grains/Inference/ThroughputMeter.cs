namespace Verge.Orleans.Grains.Inference;

/// <summary>Events per second over the last <see cref="WindowSeconds"/> seconds, in one-second buckets.</summary>
internal sealed class ThroughputMeter(TimeProvider time)
{
    public const int WindowSeconds = 10;

    private readonly Lock _lock = new();
    private readonly long[] _buckets = new long[WindowSeconds];
    private long _second = long.MinValue;

    public void Add(long count = 1)
    {
        lock (_lock)
        {
            _buckets[Advance()] += count;
        }
    }

    /// <summary>The average rate over the completed seconds of the window.</summary>
    public double PerSecond
    {
        get
        {
            lock (_lock)
            {
                var current = Advance();
                return (double)(_buckets.Sum() - _buckets[current]) / (WindowSeconds - 1);
            }
        }
    }

    // Moves to the current second, clearing the buckets of the seconds that passed; returns its bucket.
    private int Advance()
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        if (_second == long.MinValue || now - _second >= WindowSeconds)
        {
            Array.Clear(_buckets);
        }
        else
        {
            for (var second = _second + 1; second <= now; second++)
            {
                _buckets[second % WindowSeconds] = 0;
            }
        }

        _second = Math.Max(_second, now);
        return (int)(now % WindowSeconds);
    }
}
