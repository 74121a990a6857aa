namespace Verge.Orleans.Grains.ChatTemplates.Jinja;

/// <summary>Attribute, item and slice access with Jinja's forgiving rules: missing means undefined.</summary>
internal static class JinjaAccess
{
    public static object? Attribute(object? target, string name)
    {
        switch (target)
        {
            case IReadOnlyDictionary<string, object?> dict:
                // Like Python's getattr, a dict method wins over a key of the same name.
                if (JinjaMethods.Bind(target, name) is { } method)
                {
                    return method;
                }

                return dict.TryGetValue(name, out var value) ? JinjaValue.Normalize(value) : JinjaUndefined.Instance;
            case JinjaNamespace ns:
                return ns.Attributes.TryGetValue(name, out var attribute) ? attribute : JinjaUndefined.Instance;
            case JinjaLoop loop:
                return loop.GetAttribute(name);
            case string or IReadOnlyList<object?>:
                return JinjaMethods.Bind(target, name) ?? (object)JinjaUndefined.Instance;
            default:
                return JinjaUndefined.Instance;
        }
    }

    public static object? Item(object? target, object? key)
    {
        switch (target)
        {
            case IReadOnlyDictionary<string, object?> dict when key is string s:
                return dict.TryGetValue(s, out var value) ? JinjaValue.Normalize(value) : Attribute(target, s);
            case IReadOnlyDictionary<string, object?> dict when key is not null && key is not JinjaUndefined:
                return dict.TryGetValue(JinjaFormat.Str(key), out var other) ? JinjaValue.Normalize(other) : JinjaUndefined.Instance;
            case IReadOnlyList<object?> list when key is long or bool:
                var index = JinjaOps.ToLong(key);
                if (index < 0)
                {
                    index += list.Count;
                }

                return index >= 0 && index < list.Count ? JinjaValue.Normalize(list[(int)index]) : JinjaUndefined.Instance;
            case string text when key is long or bool:
                var chars = JinjaOps.Chars(text);
                var at = JinjaOps.ToLong(key);
                if (at < 0)
                {
                    at += chars.Count;
                }

                return at >= 0 && at < chars.Count ? chars[(int)at] : JinjaUndefined.Instance;
            default:
                return key is string name ? Attribute(target, name) : JinjaUndefined.Instance;
        }
    }

    public static object? Slice(object? target, object? start, object? stop, object? step)
    {
        var items = target switch
        {
            string s => JinjaOps.Chars(s),
            IReadOnlyList<object?> list => list,
            JinjaUndefined => [],
            _ => throw new JinjaException($"'{JinjaOps.TypeName(target)}' object is not subscriptable"),
        };
        var count = items.Count;
        var by = IsMissing(step) ? 1 : JinjaOps.ToLong(step);
        if (by == 0)
        {
            throw new JinjaException("slice step cannot be zero");
        }

        long from;
        long to;
        if (by > 0)
        {
            from = IsMissing(start) ? 0 : Clamp(JinjaOps.ToLong(start), count, 0, count);
            to = IsMissing(stop) ? count : Clamp(JinjaOps.ToLong(stop), count, 0, count);
        }
        else
        {
            from = IsMissing(start) ? count - 1 : Clamp(JinjaOps.ToLong(start), count, -1, count - 1);
            to = IsMissing(stop) ? -1 : Clamp(JinjaOps.ToLong(stop), count, -1, count - 1);
        }

        var result = new List<object?>();
        for (var i = from; by > 0 ? i < to : i > to; i += by)
        {
            result.Add(items[(int)i]);
        }

        return target is string ? string.Concat(result.Cast<string>()) : result;
    }

    private static bool IsMissing(object? value) => value is null or JinjaUndefined;

    private static long Clamp(long index, int count, long low, long high)
    {
        if (index < 0)
        {
            index += count;
        }

        return Math.Clamp(index, low, high);
    }
}
