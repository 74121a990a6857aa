namespace Verge.Orleans.Grains.Inference;

/// <summary>
/// Separates a leading <c>&lt;think&gt;…&lt;/think&gt;</c> block from the visible answer in a token stream,
/// holding back text that may be the start of a tag split across tokens. Whitespace around the thought
/// and before the answer is dropped, as llama.cpp's reasoning parser does.
/// </summary>
internal sealed class ReasoningSplitter(bool startInReasoning)
{
    private const string Open = "<think>";
    private const string Close = "</think>";

    private enum State
    {
        Start,
        Reasoning,
        BeforeContent,
        Content,
    }

    private State _state = startInReasoning ? State.Reasoning : State.Start;
    private string _pending = "";
    private bool _reasoningStarted;

    public (string Content, string Reasoning) Push(string text)
    {
        _pending += text;
        var content = "";
        var reasoning = "";
        while (true)
        {
            switch (_state)
            {
                case State.Start:
                    var trimmed = _pending.TrimStart();
                    if (trimmed.StartsWith(Open, StringComparison.Ordinal))
                    {
                        _pending = trimmed[Open.Length..];
                        _state = State.Reasoning;
                        continue;
                    }

                    if (Open.StartsWith(trimmed, StringComparison.Ordinal))
                    {
                        return (content, reasoning);
                    }

                    _state = State.Content;
                    continue;
                case State.Reasoning:
                    if (!_reasoningStarted)
                    {
                        _pending = _pending.TrimStart();
                        _reasoningStarted = _pending.Length > 0;
                    }

                    var close = _pending.IndexOf(Close, StringComparison.Ordinal);
                    if (close >= 0)
                    {
                        reasoning += _pending[..close].TrimEnd();
                        _pending = _pending[(close + Close.Length)..];
                        _state = State.BeforeContent;
                        continue;
                    }

                    // Keep back a possible partial "</think>" and trailing whitespace that may precede it.
                    var keep = Math.Max(PartialSuffix(_pending, Close), _pending.Length - _pending.TrimEnd().Length);
                    reasoning += _pending[..(_pending.Length - keep)];
                    _pending = _pending[(_pending.Length - keep)..];
                    return (content, reasoning);
                case State.BeforeContent:
                    _pending = _pending.TrimStart();
                    if (_pending.Length == 0)
                    {
                        return (content, reasoning);
                    }

                    _state = State.Content;
                    continue;
                default:
                    content += _pending;
                    _pending = "";
                    return (content, reasoning);
            }
        }
    }

    /// <summary>Releases what was held back at the end of the stream.</summary>
    public (string Content, string Reasoning) Flush()
    {
        var rest = _pending;
        _pending = "";
        return _state switch
        {
            State.Reasoning => ("", rest.TrimEnd()),
            State.BeforeContent => ("", ""),
            _ => (rest, ""),
        };
    }

    private static int PartialSuffix(string text, string tag)
    {
        for (var length = Math.Min(tag.Length - 1, text.Length); length > 0; length--)
        {
            if (text.EndsWith(tag[..length], StringComparison.Ordinal))
            {
                return length;
            }
        }

        return 0;
    }
}
