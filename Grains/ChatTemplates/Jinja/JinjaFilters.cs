using System.Globalization;
using System.Text;

namespace Verge.Orleans.Grains.ChatTemplates.Jinja;

/// <summary>The filters usable after <c>|</c>, with the behaviour of Jinja2's built-ins and transformers' tojson.</summary>
internal static partial class JinjaFilters
{
    public delegate object? Filter(RenderContext context, object? value, JinjaArgs args);

    private static readonly Dictionary<string, Filter> All = new(StringComparer.Ordinal)
    {
        ["trim"] = (_, v, a) => JinjaMethods.Strip(Str(v), a.Get(0, "chars"), true, true),
        ["upper"] = (_, v, _) => Str(v).ToUpperInvariant(),
        ["lower"] = (_, v, _) => Str(v).ToLowerInvariant(),
        ["capitalize"] = (_, v, _) => JinjaMethods.Capitalize(Str(v)),
        ["title"] = (_, v, _) => Title(Str(v)),
        ["length"] = (_, v, _) => JinjaOps.Length(v),
        ["first"] = (_, v, _) => JinjaOps.Iterate(v) is { Count: > 0 } items ? items[0] : JinjaUndefined.Instance,
        ["last"] = (_, v, _) => JinjaOps.Iterate(v) is { Count: > 0 } items ? items[^1] : JinjaUndefined.Instance,
        ["join"] = (_, v, a) => Join(v, a),
        ["default"] = (_, v, a) =>
            v is JinjaUndefined || (JinjaOps.Truthy(a.Get(1, "boolean", false)) && !JinjaOps.Truthy(v)) ? a.Get(0, "default_value", string.Empty) : v,
        ["tojson"] = (_, v, a) => ToJson(v, a),
        ["string"] = (_, v, _) => JinjaFormat.Str(v),
        ["int"] = (_, v, a) => ToInt(v, a),
        ["float"] = (_, v, a) => ToFloat(v, a),
        ["list"] = (_, v, _) => JinjaOps.Iterate(v).ToList(),
        ["items"] = (_, v, _) => v switch
        {
            IReadOnlyDictionary<string, object?> dict => dict.Select(p => (object?)new object?[] { p.Key, JinjaValue.Normalize(p.Value) }).ToList(),
            JinjaUndefined => new List<object?>(),
            _ => throw new JinjaException($"items filter expects a mapping, got {JinjaOps.TypeName(v)}"),
        },
        ["dictsort"] = (_, v, a) => DictSort(v, a),
        ["map"] = (c, v, a) => Map(c, v, a),
        ["select"] = (c, v, a) => Select(c, v, a, keep: true, byAttribute: false),
        ["reject"] = (c, v, a) => Select(c, v, a, keep: false, byAttribute: false),
        ["selectattr"] = (c, v, a) => Select(c, v, a, keep: true, byAttribute: true),
        ["rejectattr"] = (c, v, a) => Select(c, v, a, keep: false, byAttribute: true),
        ["replace"] = (_, v, a) => JinjaMethods.Replace(Str(v), Str(a.Get(0, "old")), Str(a.Get(1, "new")), a.Get(2, "count") is long n ? n : -1),
        ["safe"] = (_, v, _) => v,
        ["escape"] = (_, v, _) => Escape(Str(v)),
        ["abs"] = (_, v, _) => v is double d ? Math.Abs(d) : (object)Math.Abs(JinjaOps.ToLong(v)),
        ["round"] = (_, v, a) => Round(v, a),
        ["sort"] = (_, v, a) => Sort(v, a),
        ["unique"] = (_, v, a) => Unique(v, a),
        ["reverse"] = (_, v, _) => v is string s ? string.Concat(JinjaOps.Chars(s).Cast<string>().Reverse()) : JinjaOps.Iterate(v).Reverse().ToList(),
        ["indent"] = (_, v, a) => Indent(Str(v), a),
        ["wordcount"] = (_, v, _) => (long)Str(v).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length,
        ["batch"] = (_, v, a) => Batch(v, a),
        ["min"] = (_, v, a) => Extreme(v, a, sign: -1),
        ["max"] = (_, v, a) => Extreme(v, a, sign: 1),
        ["sum"] = (_, v, a) => Sum(v, a),
        ["attr"] = (_, v, a) => JinjaAccess.Attribute(v, Str(a.Get(0, "name"))),
        ["center"] = (_, v, a) => Center(Str(v), (int)JinjaOps.ToLong(a.Get(0, "width", 80L))),
        ["format"] = (_, v, a) => PercentFormat(Str(v), a),
    };

    static JinjaFilters()
    {
        All["d"] = All["default"];
        All["e"] = All["escape"];
        All["count"] = All["length"];
    }

    public static Filter? Find(string name) => All.GetValueOrDefault(name);

    private static string Str(object? value) => JinjaFormat.Str(value);

    // Jinja's title filter: words start after whitespace, dashes and opening brackets.
    private static string Title(string s)
    {
        var builder = new StringBuilder(s.Length);
        var wordStart = true;
        foreach (var c in s)
        {
            builder.Append(wordStart ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
            wordStart = char.IsWhiteSpace(c) || c is '-' or '(' or '{' or '[' or '<';
        }

        return builder.ToString();
    }

    private static string ToJson(object? value, JinjaArgs args)
    {
        int? indent = args.Get(0, "indent") switch
        {
            long n => (int)n,
            string s => s.Length,
            _ => null,
        };
        var itemSeparator = indent is null ? ", " : ",";
        var keySeparator = ": ";
        if (args.Get(-1, "separators") is IReadOnlyList<object?> { Count: 2 } separators)
        {
            itemSeparator = Str(separators[0]);
            keySeparator = Str(separators[1]);
        }

        return JinjaFormat.ToJson(value, indent, itemSeparator, keySeparator, JinjaOps.Truthy(args.Get(-1, "sort_keys", false)));
    }

    private static object? ToInt(object? value, JinjaArgs args)
    {
        var fallback = args.Get(0, "default", 0L);
        switch (value)
        {
            case long or bool:
                return JinjaOps.ToLong(value);
            case double d:
                return double.IsFinite(d) ? (long)Math.Truncate(d) : fallback;
            case string s:
                var text = s.Trim().Replace("_", string.Empty, StringComparison.Ordinal);
                if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
                {
                    return whole;
                }

                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real) ? (long)Math.Truncate(real) : fallback;
            default:
                return fallback;
        }
    }

    private static object? ToFloat(object? value, JinjaArgs args) => value switch
    {
        long or bool or double => JinjaOps.ToDouble(value),
        string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => args.Get(0, "default", 0.0),
    };

    private static string Escape(string s)
    {
        var builder = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            builder.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&#34;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }

    private static double Round(object? value, JinjaArgs args)
    {
        var precision = (int)JinjaOps.ToLong(args.Get(0, "precision", 0L));
        var method = Str(args.Get(1, "method", "common"));
        var number = JinjaOps.ToDouble(value);
        var scale = Math.Pow(10, precision);
        return method switch
        {
            "common" => Math.Round(number, precision, MidpointRounding.AwayFromZero),
            "ceil" => Math.Ceiling(number * scale) / scale,
            "floor" => Math.Floor(number * scale) / scale,
            _ => throw new JinjaException("method must be common, ceil or floor"),
        };
    }

    private static string Indent(string s, JinjaArgs args)
    {
        var width = args.Get(0, "width", 4L) switch
        {
            string text => text,
            var n => new string(' ', (int)JinjaOps.ToLong(n)),
        };
        var first = JinjaOps.Truthy(args.Get(1, "first", false));
        var blank = JinjaOps.Truthy(args.Get(2, "blank", false));
        var lines = s.Split('\n');
        var builder = new StringBuilder();
        for (var i = 0; i < lines.Length; i++)
        {
            if (i > 0)
            {
                builder.Append('\n');
            }

            var indentThis = (i > 0 || first) && (blank || lines[i].Trim().Length > 0);
            if (indentThis)
            {
                builder.Append(width);
            }

            builder.Append(lines[i]);
        }

        return builder.ToString();
    }

    private static string Center(string s, int width)
    {
        if (s.Length >= width)
        {
            return s;
        }

        var left = (width - s.Length) / 2;
        return new string(' ', left) + s + new string(' ', width - s.Length - left);
    }

    // The format filter: printf-style %s, %d, %r and %% with positional arguments.
    public static string PercentFormat(string s, JinjaArgs args)
    {
        var builder = new StringBuilder();
        var next = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] != '%' || i + 1 >= s.Length)
            {
                builder.Append(s[i]);
                continue;
            }

            var directive = s[++i];
            switch (directive)
            {
                case '%':
                    builder.Append('%');
                    break;
                case 's':
                    builder.Append(Str(args.Get(next++, "\0")));
                    break;
                case 'r':
                    builder.Append(JinjaFormat.Repr(args.Get(next++, "\0")));
                    break;
                case 'd' or 'i':
                    builder.Append(JinjaOps.ToLong(args.Get(next++, "\0")).ToString(CultureInfo.InvariantCulture));
                    break;
                default:
                    throw new JinjaException($"unsupported format directive '%{directive}'");
            }
        }

        return builder.ToString();
    }
}
