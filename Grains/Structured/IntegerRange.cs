using System.Globalization;

namespace Verge.Orleans.Grains.Structured;

/// <summary>GBNF for the decimal integers of a range, digit by digit, without leading zeros.</summary>
internal static class IntegerRange
{
    /// <summary>Bounds must stay below this magnitude; unbounded sides go up to 16 digits like the shared integer rule.</summary>
    public const long Limit = 1_000_000_000_000_000;

    private const int MaxDigits = 16;

    /// <summary>Alternatives matching exactly the integers in [lo, hi]; a null bound is open.</summary>
    public static string Gbnf(long? lo, long? hi)
    {
        var alternatives = new List<string>();
        if (lo is null || lo < 0)
        {
            // Negative numbers: a minus sign and a magnitude in [max(1, -hi), -lo].
            var smallest = hi is null || hi >= 0 ? 1 : -hi.Value;
            alternatives.Add("\"-\" " + Magnitude(smallest, lo is null ? null : -lo.Value));
        }

        if (hi is null || hi >= 0)
        {
            alternatives.Add(Magnitude(Math.Max(lo ?? 0, 0), hi));
        }

        return string.Join(" | ", alternatives);
    }

    private static string Magnitude(long lo, long? hi)
    {
        var loDigits = Digits(lo);
        if (hi is null)
        {
            var sameLength = Span(lo, Pow10(loDigits) - 1);
            return loDigits < MaxDigits ? $"({sameLength} | [1-9] [0-9]{{{loDigits},{MaxDigits - 1}}})" : sameLength;
        }

        var parts = new List<string>();
        for (var length = loDigits; length <= Digits(hi.Value); length++)
        {
            var from = length == loDigits ? lo : Pow10(length - 1);
            var to = length == Digits(hi.Value) ? hi.Value : Pow10(length) - 1;
            parts.Add(SameLength(Text(from), Text(to)));
        }

        return parts.Count == 1 ? parts[0] : $"({string.Join(" | ", parts)})";
    }

    private static string Span(long lo, long hi)
    {
        return SameLength(Text(lo), Text(hi));
    }

    /// <summary>Digit strings of one length from <paramref name="lo"/> to <paramref name="hi"/>, as one GBNF item.</summary>
    private static string SameLength(string lo, string hi)
    {
        if (lo.Length == 0)
        {
            return "";
        }

        if (lo == hi)
        {
            return $"\"{lo}\"";
        }

        var rest = lo.Length - 1;
        if (lo[0] == hi[0])
        {
            return Concat($"\"{lo[0]}\"", SameLength(lo[1..], hi[1..]));
        }

        var lowIsFull = lo[1..].All(c => c == '0');
        var highIsFull = hi[1..].All(c => c == '9');
        var first = lowIsFull ? lo[0] : (char)(lo[0] + 1);
        var last = highIsFull ? hi[0] : (char)(hi[0] - 1);
        var parts = new List<string>();
        if (!lowIsFull)
        {
            parts.Add(Concat($"\"{lo[0]}\"", SameLength(lo[1..], new string('9', rest))));
        }

        if (first <= last)
        {
            parts.Add(Concat(first == last ? $"\"{first}\"" : $"[{first}-{last}]", AnyDigits(rest)));
        }

        if (!highIsFull)
        {
            parts.Add(Concat($"\"{hi[0]}\"", SameLength(new string('0', rest), hi[1..])));
        }

        return parts.Count == 1 ? parts[0] : $"({string.Join(" | ", parts)})";
    }

    private static string AnyDigits(int count)
    {
        return count switch
        {
            0 => "",
            1 => "[0-9]",
            _ => $"[0-9]{{{count}}}",
        };
    }

    private static string Concat(string head, string tail)
    {
        return tail.Length == 0 ? head : $"{head} {tail}";
    }

    private static int Digits(long value)
    {
        return Text(value).Length;
    }

    private static string Text(long value)
    {
        return value.ToString(CultureInfo.InvariantCulture);
    }

    private static long Pow10(int exponent)
    {
        var result = 1L;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }
}
