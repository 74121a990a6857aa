using System.Diagnostics;

namespace Verge.Orleans.Bench;

/// <summary>Generation speed as a client sees it: tokens after the first, over the time since the first.</summary>
internal sealed class StreamClock
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private long _first;
    private long _last;
    private int _tokens;

    public void Token()
    {
        _last = Stopwatch.GetTimestamp();
        if (_tokens++ == 0)
        {
            _first = _last;
        }
    }

    public Run Stop() => new(_tokens, Stopwatch.GetElapsedTime(_first, _last).TotalSeconds, Stopwatch.GetElapsedTime(_started, _first).TotalSeconds);
}

internal sealed record Run(int Tokens, double Seconds, double TimeToFirstToken)
{
    public double DecodeTokensPerSecond => Seconds == 0 ? 0 : (Tokens - 1) / Seconds;
}
