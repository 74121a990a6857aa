namespace Verge.Orleans.Grains.ChatTemplates.Jinja;

/// <summary>
/// A syntax error found while parsing a chat template, or an error raised while rendering one
/// (including the template's own <c>raise_exception("...")</c>, whose text becomes the message).
/// </summary>
public sealed class JinjaException : Exception
{
    /// <summary>Creates an exception without a source position.</summary>
    public JinjaException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception that points at a line and column of the template source.</summary>
    public JinjaException(string message, int line, int column)
        : base($"{message} (line {line}, column {column})")
    {
        Line = line;
        Column = column;
    }

    /// <summary>Creates an exception that wraps a lower-level failure.</summary>
    public JinjaException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>The 1-based line of the failing construct, when known.</summary>
    public int? Line { get; }

    /// <summary>The 1-based column of the failing construct, when known.</summary>
    public int? Column { get; }

    /// <summary>True when the template itself called <c>raise_exception</c>.</summary>
    public bool RaisedByTemplate { get; init; }
}
