namespace Verge.Orleans.Grains.Tools;

/// <summary>Follows a streamed JSON value (a call's arguments object) text piece by text piece, to tell where it ends.</summary>
internal sealed class ArgumentStream
{
    private int _depth;
    private bool _inString;
    private bool _escaped;

    public bool Complete { get; private set; }

    /// <summary>How many characters of <paramref name="text"/> belong to the value (all of them until it closes).</summary>
    public int Push(string text)
    {
        for (var i = 0; i < text.Length && !Complete; i++)
        {
            var c = text[i];
            if (_inString)
            {
                (_escaped, _inString) = _escaped ? (false, true) : (c == '\\', c != '"');
                continue;
            }

            _inString = c == '"';
            _depth += c is '{' or '[' ? 1 : c is '}' or ']' ? -1 : 0;
            if (_depth == 0 && c is '}' or ']')
            {
                Complete = true;
                return i + 1;
            }
        }

        return text.Length;
    }
}
