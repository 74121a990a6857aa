using LLama.Native;

namespace Verge.Orleans.Grains.Inference;

/// <summary>
/// Follows a sequence's think block token by token: whether a sampled token belongs to the reasoning
/// (from <c>&lt;think&gt;</c> through <c>&lt;/think&gt;</c>) or to the content after it.
/// </summary>
internal sealed class ThoughtTracker
{
    private readonly LLamaToken? _open;
    private readonly LLamaToken? _close;
    private Phase _phase;

    public ThoughtTracker(SamplingSettings settings, LLamaToken? open, LLamaToken? close)
    {
        _open = open;
        _close = close;
        _phase = settings.StartInReasoning && close is not null ? Phase.Reasoning
            : settings.SplitReasoning && open is not null && close is not null ? Phase.Start
            : Phase.Content;
    }

    private enum Phase
    {
        Start,
        Reasoning,
        Content,
    }

    /// <summary>Whether <paramref name="token"/>, sampled next, would be part of the content.</summary>
    public bool IsContent(LLamaToken token) => _phase == Phase.Content || (_phase == Phase.Start && token != _open);

    /// <summary>Moves past a sampled token; returns true when it belongs to the reasoning.</summary>
    public bool Observe(LLamaToken token)
    {
        switch (_phase)
        {
            case Phase.Start when token == _open:
                _phase = Phase.Reasoning;
                return true;
            case Phase.Start:
                _phase = Phase.Content;
                return false;
            case Phase.Reasoning:
                if (token == _close)
                {
                    _phase = Phase.Content;
                }

                return true;
            default:
                return false;
        }
    }
}
