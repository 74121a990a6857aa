namespace Verge.Orleans.Grains.ChatTemplates.Jinja;

/// <summary>List and dict methods; mutation works on lists and dicts the template (or JSON input) created.</summary>
internal static partial class JinjaMethods
{
    private static JinjaCallable? ListMethod(IReadOnlyList<object?> list, string name) => name switch
    {
        "append" => Method(name, a =>
        {
            Mutable(list).Add(a.Get(0, "item"));
            return null;
        }),
        "extend" => Method(name, a =>
        {
            Mutable(list).AddRange(JinjaOps.Iterate(a.Get(0, "iterable")));
            return null;
        }),
        "insert" => Method(name, a =>
        {
            var target = Mutable(list);
            var at = JinjaOps.ToLong(a.Get(0, "index"));
            at = at < 0 ? Math.Max(0, at + target.Count) : Math.Min(at, target.Count);
            target.Insert((int)at, a.Get(1, "object"));
            return null;
        }),
        "pop" => Method(name, a =>
        {
            var target = Mutable(list);
            if (target.Count == 0)
            {
                throw new JinjaException("pop from empty list");
            }

            var at = JinjaOps.ToLong(a.Get(0, "index", -1L));
            if (at < 0)
            {
                at += target.Count;
            }

            if (at < 0 || at >= target.Count)
            {
                throw new JinjaException("pop index out of range");
            }

            var item = target[(int)at];
            target.RemoveAt((int)at);
            return item;
        }),
        "remove" => Method(name, a =>
        {
            var target = Mutable(list);
            var at = target.FindIndex(x => JinjaOps.AreEqual(x, a.Get(0, "value")));
            if (at < 0)
            {
                throw new JinjaException("list.remove(x): x not in list");
            }

            target.RemoveAt(at);
            return null;
        }),
        "index" => Method(name, a =>
        {
            var needle = a.Get(0, "value");
            for (var i = 0; i < list.Count; i++)
            {
                if (JinjaOps.AreEqual(list[i], needle))
                {
                    return (long)i;
                }
            }

            throw new JinjaException($"{JinjaFormat.Repr(needle)} is not in list");
        }),
        "count" => Method(name, a => (long)list.Count(x => JinjaOps.AreEqual(x, a.Get(0, "value")))),
        "copy" => Method(name, _ => list.ToList()),
        _ => null,
    };

    private static JinjaCallable? DictMethod(IReadOnlyDictionary<string, object?> dict, string name) => name switch
    {
        "items" => Method(name, _ => dict.Select(p => (object?)new object?[] { p.Key, JinjaValue.Normalize(p.Value) }).ToList()),
        "keys" => Method(name, _ => dict.Keys.Cast<object?>().ToList()),
        "values" => Method(name, _ => dict.Values.Select(JinjaValue.Normalize).ToList()),
        "get" => Method(name, a =>
            a.Get(0, "key") is string key && dict.TryGetValue(key, out var value) ? JinjaValue.Normalize(value) : a.Get(1, "default")),
        "copy" => Method(name, _ => Copy(dict)),
        "update" => Method(name, a =>
        {
            var target = MutableDict(dict);
            if (a.Positional.Count > 0 && a.Positional[0] is IReadOnlyDictionary<string, object?> other)
            {
                foreach (var pair in other)
                {
                    Set(target, pair.Key, pair.Value);
                }
            }

            foreach (var pair in a.Named)
            {
                Set(target, pair.Key, pair.Value);
            }

            return null;
        }),
        "pop" => Method(name, a =>
        {
            var target = MutableDict(dict);
            var key = a.Get(0, "key") as string ?? string.Empty;
            if (dict.TryGetValue(key, out var value))
            {
                Remove(target, key);
                return value;
            }

            return a.Has(1, "default") ? a.Get(1, "default") : throw new JinjaException($"KeyError: {JinjaFormat.StringRepr(key)}");
        }),
        "setdefault" => Method(name, a =>
        {
            var key = a.Get(0, "key") as string ?? string.Empty;
            if (dict.TryGetValue(key, out var value))
            {
                return value;
            }

            Set(MutableDict(dict), key, a.Get(1, "default"));
            return a.Get(1, "default");
        }),
        _ => null,
    };

    private static JinjaCallable Method(string name, Func<JinjaArgs, object?> body) => new(name, (_, args) => body(args));

    private static List<object?> Mutable(IReadOnlyList<object?> list) =>
        list as List<object?> ?? throw new JinjaException("this list cannot be modified");

    private static object MutableDict(IReadOnlyDictionary<string, object?> dict) => dict switch
    {
        JinjaDict or IDictionary<string, object?> => dict,
        _ => throw new JinjaException("this dict cannot be modified"),
    };

    private static void Set(object dict, string key, object? value)
    {
        if (dict is JinjaDict own)
        {
            own.Set(key, value);
        }
        else
        {
            ((IDictionary<string, object?>)dict)[key] = value;
        }
    }

    private static void Remove(object dict, string key)
    {
        if (dict is JinjaDict own)
        {
            own.Remove(key);
        }
        else
        {
            ((IDictionary<string, object?>)dict).Remove(key);
        }
    }

    private static JinjaDict Copy(IReadOnlyDictionary<string, object?> dict)
    {
        var copy = new JinjaDict();
        foreach (var pair in dict)
        {
            copy.Set(pair.Key, pair.Value);
        }

        return copy;
    }
}
