using System.Text;

namespace Verge.Orleans.Grains.ChatTemplates.Jinja;

/// <summary>The Python methods templates call on strings, lists and dicts.</summary>
internal static partial class JinjaMethods
{
    public static JinjaCallable? Bind(object? target, string name) => target switch
    {
        string s => StringMethod(s, name),
        IReadOnlyList<object?> list => ListMethod(list, name),
        IReadOnlyDictionary<string, object?> dict => DictMethod(dict, name),
        _ => null,
    };

    public static string Strip(string s, object? chars, bool left, bool right)
    {
        if (chars is string set)
        {
            var span = s.AsSpan();
            if (left)
            {
                span = span.TrimStart(set);
            }

            if (right)
            {
                span = span.TrimEnd(set);
            }

            return span.ToString();
        }

        return left && right ? s.Trim() : left ? s.TrimStart() : s.TrimEnd();
    }

    public static string Capitalize(string s) =>
        s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();

    // Python's str.title: a letter after a non-letter starts a word.
    public static string Title(string s)
    {
        var builder = new StringBuilder(s.Length);
        var previousLetter = false;
        foreach (var c in s)
        {
            builder.Append(previousLetter ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
            previousLetter = char.IsLetter(c);
        }

        return builder.ToString();
    }

    public static List<object?> Split(string s, object? separator, long maxSplit)
    {
        var parts = new List<object?>();
        if (separator is null or JinjaUndefined)
        {
            var i = 0;
            while (true)
            {
                while (i < s.Length && char.IsWhiteSpace(s[i]))
                {
                    i++;
                }

                if (i >= s.Length)
                {
                    break;
                }

                if (maxSplit >= 0 && parts.Count == maxSplit)
                {
                    parts.Add(s[i..].TrimEnd());
                    break;
                }

                var start = i;
                while (i < s.Length && !char.IsWhiteSpace(s[i]))
                {
                    i++;
                }

                parts.Add(s[start..i]);
            }

            return parts;
        }

        var sep = separator as string ?? throw new JinjaException("split separator must be a string");
        if (sep.Length == 0)
        {
            throw new JinjaException("empty separator");
        }

        var from = 0;
        while (maxSplit < 0 || parts.Count < maxSplit)
        {
            var at = s.IndexOf(sep, from, StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }

            parts.Add(s[from..at]);
            from = at + sep.Length;
        }

        parts.Add(s[from..]);
        return parts;
    }

    public static string Replace(string s, string old, string replacement, long count)
    {
        if (count < 0)
        {
            return old.Length == 0 ? s : s.Replace(old, replacement, StringComparison.Ordinal);
        }

        var builder = new StringBuilder();
        var from = 0;
        for (long n = 0; n < count; n++)
        {
            var at = s.IndexOf(old, from, StringComparison.Ordinal);
            if (at < 0 || old.Length == 0)
            {
                break;
            }

            builder.Append(s, from, at - from).Append(replacement);
            from = at + old.Length;
        }

        return builder.Append(s, from, s.Length - from).ToString();
    }

    private static JinjaCallable? StringMethod(string s, string name) => name switch
    {
        "strip" => Method(name, a => Strip(s, a.Get(0, "chars"), true, true)),
        "lstrip" => Method(name, a => Strip(s, a.Get(0, "chars"), true, false)),
        "rstrip" => Method(name, a => Strip(s, a.Get(0, "chars"), false, true)),
        "split" => Method(name, a => Split(s, a.Get(0, "sep"), JinjaOps.ToLong(a.Get(1, "maxsplit", -1L)))),
        "startswith" => Method(name, a => Affix(s, a.Get(0, "prefix"), start: true)),
        "endswith" => Method(name, a => Affix(s, a.Get(0, "suffix"), start: false)),
        "upper" => Method(name, _ => s.ToUpperInvariant()),
        "lower" => Method(name, _ => s.ToLowerInvariant()),
        "title" => Method(name, _ => Title(s)),
        "capitalize" => Method(name, _ => Capitalize(s)),
        "replace" => Method(name, a => Replace(s, StringArg(a, 0, "old"), StringArg(a, 1, "new"), JinjaOps.ToLong(a.Get(2, "count", -1L)))),
        "find" => Method(name, a => (long)s.IndexOf(StringArg(a, 0, "sub"), StringComparison.Ordinal)),
        "rfind" => Method(name, a => (long)s.LastIndexOf(StringArg(a, 0, "sub"), StringComparison.Ordinal)),
        "index" => Method(name, a =>
        {
            var at = s.IndexOf(StringArg(a, 0, "sub"), StringComparison.Ordinal);
            return at < 0 ? throw new JinjaException("substring not found") : (long)at;
        }),
        "count" => Method(name, a => (long)Count(s, StringArg(a, 0, "sub"))),
        "join" => Method(name, a => string.Join(s, JinjaOps.Iterate(a.Get(0, "iterable")).Select(JinjaFormat.Str))),
        "format" => Method(name, a => Format(s, a)),
        "isdigit" => Method(name, _ => s.Length > 0 && s.All(char.IsDigit)),
        "isalpha" => Method(name, _ => s.Length > 0 && s.All(char.IsLetter)),
        "isalnum" => Method(name, _ => s.Length > 0 && s.All(char.IsLetterOrDigit)),
        "isspace" => Method(name, _ => s.Length > 0 && s.All(char.IsWhiteSpace)),
        "islower" => Method(name, _ => s.Any(char.IsLetter) && !s.Any(char.IsUpper)),
        "isupper" => Method(name, _ => s.Any(char.IsLetter) && !s.Any(char.IsLower)),
        "removeprefix" => Method(name, a => s.StartsWith(StringArg(a, 0, "prefix"), StringComparison.Ordinal) ? s[StringArg(a, 0, "prefix").Length..] : s),
        "removesuffix" => Method(name, a => s.EndsWith(StringArg(a, 0, "suffix"), StringComparison.Ordinal) ? s[..^StringArg(a, 0, "suffix").Length] : s),
        "splitlines" => Method(name, _ => s.Split('\n').Select(l => (object?)l.TrimEnd('\r')).Take(s.EndsWith('\n') ? s.Split('\n').Length - 1 : int.MaxValue).ToList()),
        _ => null,
    };

    private static string StringArg(JinjaArgs args, int position, string name) =>
        args.Get(position, name) as string ?? throw new JinjaException($"argument '{name}' must be a string");

    private static bool Affix(string s, object? affix, bool start)
    {
        var options = affix switch
        {
            string one => [one],
            IReadOnlyList<object?> many => many.Select(x => x as string ?? throw new JinjaException("affix must be a string")).ToArray(),
            _ => throw new JinjaException("startswith/endswith argument must be a string or a tuple of strings"),
        };
        return options.Any(o => start ? s.StartsWith(o, StringComparison.Ordinal) : s.EndsWith(o, StringComparison.Ordinal));
    }

    private static int Count(string s, string sub)
    {
        if (sub.Length == 0)
        {
            return s.Length + 1;
        }

        var count = 0;
        for (var at = s.IndexOf(sub, StringComparison.Ordinal); at >= 0; at = s.IndexOf(sub, at + sub.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    // str.format with {} / {0} / {name} fields; format specs are not supported.
    private static string Format(string s, JinjaArgs args)
    {
        var builder = new StringBuilder();
        var next = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '{' && i + 1 < s.Length && s[i + 1] == '{')
            {
                builder.Append('{');
                i++;
            }
            else if (c == '}' && i + 1 < s.Length && s[i + 1] == '}')
            {
                builder.Append('}');
                i++;
            }
            else if (c == '{')
            {
                var close = s.IndexOf('}', i);
                if (close < 0)
                {
                    throw new JinjaException("Single '{' encountered in format string");
                }

                var field = s[(i + 1)..close];
                object? value;
                if (field.Length == 0)
                {
                    value = args.Get(next++, "\0");
                }
                else if (int.TryParse(field, out var index))
                {
                    value = args.Get(index, "\0");
                }
                else
                {
                    value = args.Get(-1, field, JinjaUndefined.Instance);
                }

                builder.Append(JinjaFormat.Str(value));
                i = close;
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
