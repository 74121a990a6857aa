namespace Verge.Orleans.Grains.Inference;

/// <summary>
/// Finds stop strings in generated text. Text that could still turn into a stop string is held back,
/// so a stop string never reaches the client even when it spans tokens.
/// </summary>
internal sealed class StopMatcher(IReadOnlyList<string> stops)
{
    private string _pending = "";

    public bool Stopped => Matched is not null;

    /// <summary>The stop string that matched, once one has.</summary>
    public string? Matched { get; private set; }

    /// <summary>Adds text; returns what can be released now. After a match, <see cref="Stopped"/> is true.</summary>
    public string Push(string text)
    {
        if (stops.Count == 0)
        {
            return text;
        }

        _pending += text;
        var first = -1;
        string? matched = null;
        foreach (var stop in stops)
        {
            var at = _pending.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (first < 0 || at < first))
            {
                (first, matched) = (at, stop);
            }
        }

        if (first >= 0)
        {
            Matched = matched;
            var released = _pending[..first];
            _pending = "";
            return released;
        }

        var hold = stops.Max(stop => OverlapWithPrefix(_pending, stop));
        var ready = _pending[..(_pending.Length - hold)];
        _pending = _pending[(_pending.Length - hold)..];
        return ready;
    }

    public string Flush()
    {
        var rest = _pending;
        _pending = "";
        return rest;
    }

    // Length of the longest suffix of text that is a proper prefix of stop.
    private static int OverlapWithPrefix(string text, string stop)
    {
        for (var length = Math.Min(stop.Length - 1, text.Length); length > 0; length--)
        {
            if (string.CompareOrdinal(text, text.Length - length, stop, 0, length) == 0)
            {
                return length;
            }
        }

        return 0;
    }
}
