using System.Globalization;
using System.Text;

namespace Verge.Orleans.Grains.ChatTemplates.Jinja;

/// <summary>Python's str(), repr() and json.dumps() for template values.</summary>
internal static class JinjaFormat
{
    /// <summary>What <c>{{ value }}</c> prints: Python's str().</summary>
    public static string Str(object? value) => value switch
    {
        string s => s,
        null => "None",
        JinjaUndefined => string.Empty,
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => FloatRepr(d),
        _ => Repr(value),
    };

    public static string Repr(object? value)
    {
        var builder = new StringBuilder();
        AppendRepr(builder, value, 0);
        return builder.ToString();
    }

    public static string ToJson(object? value, int? indent, string itemSeparator, string keySeparator, bool sortKeys)
    {
        var builder = new StringBuilder();
        AppendJson(builder, value, indent, itemSeparator, keySeparator, sortKeys, 0);
        return builder.ToString();
    }

    /// <summary>Python's float repr: shortest round-trip digits, "1.0" for whole numbers, "1e-05" style exponents.</summary>
    public static string FloatRepr(double d)
    {
        if (double.IsNaN(d))
        {
            return "nan";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? "inf" : "-inf";
        }

        if (d == 0)
        {
            return double.IsNegative(d) ? "-0.0" : "0.0";
        }

        var shortest = d.ToString("R", CultureInfo.InvariantCulture);

        // Split the shortest form into its significant digits and a decimal exponent.
        var negative = shortest.StartsWith('-');
        var body = negative ? shortest[1..] : shortest;
        var exponent = 0;
        var ePos = body.IndexOfAny(['E', 'e']);
        if (ePos >= 0)
        {
            exponent = int.Parse(body[(ePos + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            body = body[..ePos];
        }

        var dot = body.IndexOf('.');
        var intPart = dot >= 0 ? body[..dot] : body;
        var fracPart = dot >= 0 ? body[(dot + 1)..] : string.Empty;
        var digits = (intPart + fracPart).TrimStart('0');
        var leadingZeros = (intPart + fracPart).Length - digits.Length;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }

        // Position of the decimal point relative to the first significant digit.
        var point = intPart.Length + exponent - leadingZeros;
        var sci = point - 1;
        var builder = new StringBuilder();
        if (negative)
        {
            builder.Append('-');
        }

        if (sci < -4 || sci >= 16)
        {
            builder.Append(digits[0]);
            if (digits.Length > 1)
            {
                builder.Append('.').Append(digits, 1, digits.Length - 1);
            }

            builder.Append('e').Append(sci < 0 ? '-' : '+').Append(Math.Abs(sci).ToString("00", CultureInfo.InvariantCulture));
        }
        else if (point <= 0)
        {
            builder.Append("0.").Append('0', -point).Append(digits);
        }
        else if (point >= digits.Length)
        {
            builder.Append(digits).Append('0', point - digits.Length).Append(".0");
        }
        else
        {
            builder.Append(digits, 0, point).Append('.').Append(digits, point, digits.Length - point);
        }

        return builder.ToString();
    }

    public static string StringRepr(string s)
    {
        var quote = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        var builder = new StringBuilder(s.Length + 2);
        builder.Append(quote);
        foreach (var c in s)
        {
            switch (c)
            {
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                default:
                    if (c == quote)
                    {
                        builder.Append('\\').Append(c);
                    }
                    else if (c < 0x20 || c == 0x7f)
                    {
                        builder.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append(quote);
        return builder.ToString();
    }

    private static void AppendRepr(StringBuilder builder, object? value, int depth)
    {
        CheckDepth(depth);
        switch (value)
        {
            case string s:
                builder.Append(StringRepr(s));
                break;
            case object?[] tuple:
                builder.Append('(');
                for (var i = 0; i < tuple.Length; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(", ");
                    }

                    AppendRepr(builder, tuple[i], depth + 1);
                }

                builder.Append(tuple.Length == 1 ? ",)" : ")");
                break;
            case IReadOnlyList<object?> list:
                builder.Append('[');
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(", ");
                    }

                    AppendRepr(builder, list[i], depth + 1);
                }

                builder.Append(']');
                break;
            case IReadOnlyDictionary<string, object?> dict:
                builder.Append('{');
                var first = true;
                foreach (var pair in dict)
                {
                    if (!first)
                    {
                        builder.Append(", ");
                    }

                    first = false;
                    builder.Append(StringRepr(pair.Key)).Append(": ");
                    AppendRepr(builder, pair.Value, depth + 1);
                }

                builder.Append('}');
                break;
            case JinjaNamespace ns:
                builder.Append("<Namespace ");
                AppendRepr(builder, ns.Attributes, depth + 1);
                builder.Append('>');
                break;
            case JinjaCallable callable:
                builder.Append("<function ").Append(callable.Name).Append('>');
                break;
            case JinjaUndefined:
                break;
            default:
                builder.Append(Str(value));
                break;
        }
    }

    private static void AppendJson(StringBuilder builder, object? value, int? indent, string itemSep, string keySep, bool sortKeys, int depth)
    {
        CheckDepth(depth);
        switch (value)
        {
            case null or JinjaUndefined:
                builder.Append("null");
                break;
            case bool b:
                builder.Append(b ? "true" : "false");
                break;
            case long l:
                builder.Append(l.ToString(CultureInfo.InvariantCulture));
                break;
            case double d:
                builder.Append(double.IsNaN(d) ? "NaN" : double.IsInfinity(d) ? (d > 0 ? "Infinity" : "-Infinity") : FloatRepr(d));
                break;
            case string s:
                AppendJsonString(builder, s);
                break;
            case IReadOnlyList<object?> list:
                if (list.Count == 0)
                {
                    builder.Append("[]");
                    break;
                }

                builder.Append('[');
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(itemSep);
                    }

                    NewLine(builder, indent, depth + 1);
                    AppendJson(builder, list[i], indent, itemSep, keySep, sortKeys, depth + 1);
                }

                NewLine(builder, indent, depth);
                builder.Append(']');
                break;
            case IReadOnlyDictionary<string, object?> dict:
                AppendJsonObject(builder, dict, indent, itemSep, keySep, sortKeys, depth);
                break;
            case JinjaNamespace ns:
                AppendJsonObject(builder, ns.Attributes, indent, itemSep, keySep, sortKeys, depth);
                break;
            default:
                throw new JinjaException($"Object of type {JinjaOps.TypeName(value)} is not JSON serializable");
        }
    }

    private static void AppendJsonObject(StringBuilder builder, IReadOnlyDictionary<string, object?> dict, int? indent, string itemSep, string keySep, bool sortKeys, int depth)
    {
        if (dict.Count == 0)
        {
            builder.Append("{}");
            return;
        }

        IEnumerable<KeyValuePair<string, object?>> pairs = sortKeys ? dict.OrderBy(p => p.Key, StringComparer.Ordinal) : dict;
        builder.Append('{');
        var first = true;
        foreach (var pair in pairs)
        {
            if (!first)
            {
                builder.Append(itemSep);
            }

            first = false;
            NewLine(builder, indent, depth + 1);
            AppendJsonString(builder, pair.Key);
            builder.Append(keySep);
            AppendJson(builder, pair.Value, indent, itemSep, keySep, sortKeys, depth + 1);
        }

        NewLine(builder, indent, depth);
        builder.Append('}');
    }

    // A list that contains itself would otherwise recurse until the process dies.
    private static void CheckDepth(int depth)
    {
        if (depth > RenderContext.MaxDepth)
        {
            throw new JinjaException("value is nested too deeply (or contains itself)");
        }
    }

    private static void NewLine(StringBuilder builder, int? indent, int depth)
    {
        if (indent is { } width)
        {
            builder.Append('\n').Append(' ', width * depth);
        }
    }

    private static void AppendJsonString(StringBuilder builder, string s)
    {
        builder.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case '\b':
                    builder.Append("\\b");
                    break;
                case '\f':
                    builder.Append("\\f");
                    break;
                default:
                    if (c < 0x20)
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
    }
}
