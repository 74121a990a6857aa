using System.Globalization;
using System.Text;

namespace Verge.Orleans.Grains.ChatTemplates.Jinja;

/// <summary>The global functions of the chat-template environment.</summary>
internal static class JinjaGlobals
{
    public static readonly IReadOnlyDictionary<string, JinjaCallable> Functions = new Dictionary<string, JinjaCallable>(StringComparer.Ordinal)
    {
        ["raise_exception"] = new("raise_exception", (_, a) =>
            throw new JinjaException(JinjaFormat.Str(a.Get(0, "message", string.Empty))) { RaisedByTemplate = true }),
        ["range"] = new("range", (context, a) => Range(context, a)),
        ["namespace"] = new("namespace", (_, a) => MakeNamespace(a)),
        ["dict"] = new("dict", (_, a) => MakeDict(a)),
        ["len"] = new("len", (_, a) => JinjaOps.Length(a.Get(0, "obj"))),
        ["strftime_now"] = new("strftime_now", (_, a) => Strftime(DateTime.Now, JinjaFormat.Str(a.Get(0, "format", string.Empty)))),
    };

    /// <summary>C strftime for the directives templates use (%d %b %Y %B %m %H %M %S ...).</summary>
    public static string Strftime(DateTime time, string format)
    {
        var culture = CultureInfo.InvariantCulture;
        var builder = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                builder.Append(format[i]);
                continue;
            }

            var directive = format[++i];
            builder.Append(directive switch
            {
                'd' => time.ToString("dd", culture),
                'e' => time.Day.ToString(culture).PadLeft(2),
                'm' => time.ToString("MM", culture),
                'Y' => time.ToString("yyyy", culture),
                'y' => time.ToString("yy", culture),
                'b' or 'h' => time.ToString("MMM", culture),
                'B' => time.ToString("MMMM", culture),
                'a' => time.ToString("ddd", culture),
                'A' => time.ToString("dddd", culture),
                'H' => time.ToString("HH", culture),
                'I' => time.ToString("hh", culture),
                'M' => time.ToString("mm", culture),
                'S' => time.ToString("ss", culture),
                'p' => time.Hour < 12 ? "AM" : "PM",
                'j' => time.DayOfYear.ToString("000", culture),
                'w' => ((int)time.DayOfWeek).ToString(culture),
                'F' => time.ToString("yyyy-MM-dd", culture),
                'T' => time.ToString("HH:mm:ss", culture),
                '%' => "%",
                _ => "%" + directive,
            });
        }

        return builder.ToString();
    }

    private static List<object?> Range(RenderContext context, JinjaArgs a)
    {
        long start = 0;
        long stop;
        long step = 1;
        switch (a.Positional.Count)
        {
            case 1:
                stop = JinjaOps.ToLong(a.Positional[0]);
                break;
            case 2 or 3:
                start = JinjaOps.ToLong(a.Positional[0]);
                stop = JinjaOps.ToLong(a.Positional[1]);
                step = a.Positional.Count == 3 ? JinjaOps.ToLong(a.Positional[2]) : 1;
                break;
            default:
                throw new JinjaException("range expected 1 to 3 arguments");
        }

        if (step == 0)
        {
            throw new JinjaException("range() arg 3 must not be zero");
        }

        var items = new List<object?>();
        for (var i = start; step > 0 ? i < stop : i > stop; i += step)
        {
            context.CountIteration();
            items.Add(i);
        }

        return items;
    }

    private static JinjaNamespace MakeNamespace(JinjaArgs a)
    {
        var ns = new JinjaNamespace();
        if (a.Positional.Count > 0 && a.Positional[0] is IReadOnlyDictionary<string, object?> initial)
        {
            foreach (var pair in initial)
            {
                ns.Attributes.Set(pair.Key, pair.Value);
            }
        }

        foreach (var pair in a.Named)
        {
            ns.Attributes.Set(pair.Key, pair.Value);
        }

        return ns;
    }

    private static JinjaDict MakeDict(JinjaArgs a)
    {
        var dict = new JinjaDict();
        if (a.Positional.Count > 0)
        {
            if (a.Positional[0] is IReadOnlyDictionary<string, object?> initial)
            {
                foreach (var pair in initial)
                {
                    dict.Set(pair.Key, pair.Value);
                }
            }
            else
            {
                foreach (var item in JinjaOps.Iterate(a.Positional[0]))
                {
                    var pair = JinjaOps.Iterate(item);
                    if (pair.Count != 2)
                    {
                        throw new JinjaException("dictionary update sequence element has the wrong length");
                    }

                    dict.Set(JinjaFormat.Str(pair[0]), pair[1]);
                }
            }
        }

        foreach (var pair in a.Named)
        {
            dict.Set(pair.Key, pair.Value);
        }

        return dict;
    }
}
