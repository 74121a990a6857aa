namespace Verge.Orleans.Grains.Limits;

/// <summary>
/// Amounts (requests, tokens) counted over the last <see cref="Length"/>: each entry leaves the window
/// exactly one length after it came, so the time until a refused request fits is known exactly.
/// </summary>
internal sealed class SlidingWindow
{
    public static readonly TimeSpan Length = TimeSpan.FromMinutes(1);

    private readonly LinkedList<(DateTimeOffset At, long Amount, string? Lease)> _entries = new();

    public long Total { get; private set; }

    public void Add(DateTimeOffset at, long amount, string? lease = null)
    {
        _entries.AddLast((at, amount, lease));
        Total += amount;
    }

    /// <summary>Takes back the entry of <paramref name="lease"/>, if it is still in the window.</summary>
    public void Remove(string lease)
    {
        for (var node = _entries.First; node is not null; node = node.Next)
        {
            if (node.Value.Lease == lease)
            {
                Total -= node.Value.Amount;
                _entries.Remove(node);
                return;
            }
        }
    }

    public void Trim(DateTimeOffset now)
    {
        while (_entries.First is { } oldest && oldest.Value.At + Length <= now)
        {
            Total -= oldest.Value.Amount;
            _entries.RemoveFirst();
        }
    }

    /// <summary>How long until the window's total falls below <paramref name="limit"/>.</summary>
    public TimeSpan UntilBelow(long limit, DateTimeOffset now)
    {
        var total = Total;
        foreach (var (at, amount, _) in _entries)
        {
            if (total < limit)
            {
                break;
            }

            total -= amount;
            if (total < limit)
            {
                return at + Length - now;
            }
        }

        return TimeSpan.Zero;
    }

    /// <summary>How long until the window is empty again (OpenAI's "reset" headers).</summary>
    public TimeSpan UntilEmpty(DateTimeOffset now) => _entries.Last is { } newest ? newest.Value.At + Length - now : TimeSpan.Zero;
}
