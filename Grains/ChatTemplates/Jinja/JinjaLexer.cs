using System.Text;

namespace Verge.Orleans.Grains.ChatTemplates.Jinja;

/// <summary>
/// Splits template source into text and tag tokens, applying the environment Hugging Face uses for chat
/// templates: <c>trim_blocks</c> (drop the newline after a block or comment tag) and <c>lstrip_blocks</c>
/// (drop the indentation before one), plus the explicit <c>-</c> and <c>+</c> whitespace markers.
/// </summary>
internal sealed class JinjaLexer(string source)
{
    private static readonly string[] Operators =
        ["**", "//", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "|", ".", ",", ":", "(", ")", "[", "]", "{", "}", "=", "<", ">"];

    private readonly List<Token> tokens = [];
    private int pos;
    private bool stripNextText;
    private bool trimNextNewline;

    public List<Token> Tokenize()
    {
        while (pos < source.Length)
        {
            var tagStart = FindTagStart(pos);
            var textEnd = tagStart < 0 ? source.Length : tagStart;
            var text = source[pos..textEnd];
            text = ApplyLeadingControl(text);
            var kind = tagStart < 0 ? '\0' : source[tagStart + 1];
            var marker = tagStart >= 0 && tagStart + 2 < source.Length ? source[tagStart + 2] : '\0';
            if (tagStart >= 0)
            {
                if (marker == '-')
                {
                    text = text.TrimEnd();
                }
                else if (kind != '{' && marker != '+')
                {
                    text = StripIndentation(text, pos, tagStart);
                }
            }

            if (text.Length > 0)
            {
                tokens.Add(new Token(TokenKind.Text, text, pos));
            }

            if (tagStart < 0)
            {
                break;
            }

            pos = tagStart + 2 + (marker is '-' or '+' ? 1 : 0);
            switch (kind)
            {
                case '#':
                    SkipComment(tagStart);
                    break;
                case '{':
                    tokens.Add(new Token(TokenKind.VariableBegin, "{{", tagStart));
                    LexInside(tagStart, block: false);
                    break;
                default:
                    tokens.Add(new Token(TokenKind.BlockBegin, "{%", tagStart));
                    LexInside(tagStart, block: true);
                    TryRaw();
                    break;
            }
        }

        tokens.Add(new Token(TokenKind.End, string.Empty, source.Length));
        return tokens;
    }

    /// <summary>1-based line and column of a source offset.</summary>
    public static (int Line, int Column) Locate(string source, int position)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < position && i < source.Length; i++)
        {
            if (source[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, position - lineStart + 1);
    }

    private JinjaException Error(string message, int position)
    {
        var (line, column) = Locate(source, position);
        return new JinjaException(message, line, column);
    }

    private int FindTagStart(int from)
    {
        for (var i = source.IndexOf('{', from); i >= 0 && i + 1 < source.Length; i = source.IndexOf('{', i + 1))
        {
            if (source[i + 1] is '{' or '%' or '#')
            {
                return i;
            }
        }

        return -1;
    }

    private string ApplyLeadingControl(string text)
    {
        if (stripNextText)
        {
            text = text.TrimStart();
        }
        else if (trimNextNewline)
        {
            if (text.StartsWith('\n'))
            {
                text = text[1..];
            }
            else if (text.StartsWith("\r\n", StringComparison.Ordinal))
            {
                text = text[2..];
            }
        }

        stripNextText = false;
        trimNextNewline = false;
        return text;
    }

    // lstrip_blocks: spaces and tabs between the start of a line and a block tag are dropped.
    private string StripIndentation(string text, int textStart, int tagStart)
    {
        var p = tagStart;
        while (p > textStart && source[p - 1] is ' ' or '\t')
        {
            p--;
        }

        if (p != 0 && source[p - 1] != '\n')
        {
            return text;
        }

        var count = Math.Min(text.Length, tagStart - p);
        return text[..^count];
    }

    private void SkipComment(int tagStart)
    {
        var end = source.IndexOf("#}", pos, StringComparison.Ordinal);
        if (end < 0)
        {
            throw Error("unterminated comment", tagStart);
        }

        var before = end > pos ? source[end - 1] : '\0';
        pos = end + 2;
        SetTrailingControl(before, block: true);
    }

    private void SetTrailingControl(char marker, bool block)
    {
        if (marker == '-')
        {
            stripNextText = true;
        }
        else if (block && marker != '+')
        {
            trimNextNewline = true;
        }
    }

    private void LexInside(int tagStart, bool block)
    {
        var depth = 0;
        var close = block ? '%' : '}';
        while (true)
        {
            while (pos < source.Length && char.IsWhiteSpace(source[pos]))
            {
                pos++;
            }

            if (pos >= source.Length)
            {
                throw Error(block ? "unexpected end of template, expected '%}'" : "unexpected end of template, expected '}}'", tagStart);
            }

            if (depth == 0)
            {
                var marker = source[pos] is '-' or '+' ? source[pos] : '\0';
                var at = pos + (marker == '\0' ? 0 : 1);
                if (at + 1 < source.Length && source[at] == close && source[at + 1] == '}' && (marker != '+' || block))
                {
                    tokens.Add(new Token(block ? TokenKind.BlockEnd : TokenKind.VariableEnd, block ? "%}" : "}}", pos));
                    pos = at + 2;
                    SetTrailingControl(marker, block);
                    return;
                }
            }

            var c = source[pos];
            var start = pos;
            if (char.IsAsciiLetter(c) || c == '_')
            {
                while (pos < source.Length && (char.IsAsciiLetterOrDigit(source[pos]) || source[pos] == '_'))
                {
                    pos++;
                }

                tokens.Add(new Token(TokenKind.Name, source[start..pos], start));
            }
            else if (char.IsAsciiDigit(c))
            {
                LexNumber(start);
            }
            else if (c is '\'' or '"')
            {
                tokens.Add(new Token(TokenKind.String, LexString(c), start));
            }
            else
            {
                var op = Array.Find(Operators, o => string.CompareOrdinal(source, pos, o, 0, o.Length) == 0)
                    ?? throw Error($"unexpected character '{c}'", pos);
                pos += op.Length;
                if (op is "(" or "[" or "{")
                {
                    depth++;
                }
                else if (op is ")" or "]" or "}")
                {
                    depth--;
                    if (depth < 0)
                    {
                        throw Error($"unexpected '{op}'", start);
                    }
                }

                tokens.Add(new Token(TokenKind.Operator, op, start));
            }
        }
    }

    private void LexNumber(int start)
    {
        var isFloat = false;
        while (pos < source.Length && (char.IsAsciiDigit(source[pos]) || source[pos] == '_'))
        {
            pos++;
        }

        if (pos + 1 < source.Length && source[pos] == '.' && char.IsAsciiDigit(source[pos + 1]))
        {
            isFloat = true;
            pos++;
            while (pos < source.Length && (char.IsAsciiDigit(source[pos]) || source[pos] == '_'))
            {
                pos++;
            }
        }

        if (pos < source.Length && source[pos] is 'e' or 'E')
        {
            var p = pos + 1;
            if (p < source.Length && source[p] is '+' or '-')
            {
                p++;
            }

            if (p < source.Length && char.IsAsciiDigit(source[p]))
            {
                isFloat = true;
                pos = p;
                while (pos < source.Length && char.IsAsciiDigit(source[pos]))
                {
                    pos++;
                }
            }
        }

        tokens.Add(new Token(isFloat ? TokenKind.Float : TokenKind.Integer, source[start..pos].Replace("_", string.Empty, StringComparison.Ordinal), start));
    }

    private string LexString(char quote)
    {
        var start = pos;
        pos++;
        var builder = new StringBuilder();
        while (true)
        {
            if (pos >= source.Length)
            {
                throw Error("unterminated string literal", start);
            }

            var c = source[pos++];
            if (c == quote)
            {
                return builder.ToString();
            }

            if (c != '\\' || pos >= source.Length)
            {
                builder.Append(c);
                continue;
            }

            var e = source[pos++];
            switch (e)
            {
                case 'n':
                    builder.Append('\n');
                    break;
                case 't':
                    builder.Append('\t');
                    break;
                case 'r':
                    builder.Append('\r');
                    break;
                case '0':
                    builder.Append('\0');
                    break;
                case 'b':
                    builder.Append('\b');
                    break;
                case 'f':
                    builder.Append('\f');
                    break;
                case '\\' or '\'' or '"':
                    builder.Append(e);
                    break;
                case '\n':
                    break;
                case 'x' or 'u' or 'U':
                    var width = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    if (pos + width > source.Length || !int.TryParse(source.AsSpan(pos, width), System.Globalization.NumberStyles.HexNumber, null, out var code))
                    {
                        throw Error("bad escape in string literal", pos - 2);
                    }

                    builder.Append(char.ConvertFromUtf32(code));
                    pos += width;
                    break;
                default:
                    builder.Append('\\').Append(e);
                    break;
            }
        }
    }

    // {% raw %}...{% endraw %}: the body is text, never lexed.
    private void TryRaw()
    {
        var n = tokens.Count;
        if (n < 3 || tokens[n - 2] is not { Kind: TokenKind.Name, Value: "raw" } || tokens[n - 3].Kind != TokenKind.BlockBegin)
        {
            return;
        }

        var rawTag = tokens[n - 3].Position;
        tokens.RemoveRange(n - 3, 3);
        var search = pos;
        while (true)
        {
            var tag = source.IndexOf("{%", search, StringComparison.Ordinal);
            if (tag < 0)
            {
                throw Error("missing endraw for raw block", rawTag);
            }

            var p = tag + 2;
            var openMarker = p < source.Length && source[p] is '-' or '+' ? source[p] : '\0';
            if (openMarker != '\0')
            {
                p++;
            }

            while (p < source.Length && char.IsWhiteSpace(source[p]))
            {
                p++;
            }

            if (string.CompareOrdinal(source, p, "endraw", 0, 6) != 0)
            {
                search = tag + 2;
                continue;
            }

            p += 6;
            while (p < source.Length && char.IsWhiteSpace(source[p]))
            {
                p++;
            }

            var closeMarker = p < source.Length && source[p] is '-' or '+' ? source[p] : '\0';
            if (closeMarker != '\0')
            {
                p++;
            }

            if (string.CompareOrdinal(source, p, "%}", 0, 2) != 0)
            {
                search = tag + 2;
                continue;
            }

            var text = ApplyLeadingControl(source[pos..tag]);
            text = openMarker == '-' ? text.TrimEnd() : openMarker == '+' ? text : StripIndentation(text, pos, tag);
            if (text.Length > 0)
            {
                tokens.Add(new Token(TokenKind.Text, text, pos));
            }

            pos = p + 2;
            SetTrailingControl(closeMarker, block: true);
            return;
        }
    }
}
