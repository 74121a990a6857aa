using System.Globalization;

namespace Verge.Orleans.Grains.ChatTemplates.Jinja;

/// <summary>Filters over sequences and mappings, and the attribute paths they accept.</summary>
internal static partial class JinjaFilters
{
    private static string Join(object? value, JinjaArgs args)
    {
        var separator = Str(args.Get(0, "d", string.Empty));
        var attribute = args.Get(1, "attribute");
        var items = JinjaOps.Iterate(value);
        return string.Join(separator, items.Select(item => Str(attribute is null ? item : GetPath(item, attribute))));
    }

    private static List<object?> DictSort(object? value, JinjaArgs args)
    {
        if (value is not IReadOnlyDictionary<string, object?> dict)
        {
            throw new JinjaException($"dictsort expects a mapping, got {JinjaOps.TypeName(value)}");
        }

        var caseSensitive = JinjaOps.Truthy(args.Get(0, "case_sensitive", false));
        var byValue = Str(args.Get(1, "by", "key")) == "value";
        var reverse = JinjaOps.Truthy(args.Get(2, "reverse", false));
        var pairs = dict.Select(p => new object?[] { p.Key, JinjaValue.Normalize(p.Value) }).ToList();
        pairs.Sort((x, y) => SortKeyCompare(byValue ? x[1] : x[0], byValue ? y[1] : y[0], caseSensitive));
        if (reverse)
        {
            pairs.Reverse();
        }

        return pairs.Cast<object?>().ToList();
    }

    private static List<object?> Map(RenderContext context, object? value, JinjaArgs args)
    {
        var items = JinjaOps.Iterate(value);
        if (args.Get(-1, "attribute") is { } attribute)
        {
            var hasDefault = args.Has(-1, "default");
            return items.Select(item =>
            {
                var found = GetPath(item, attribute);
                return found is JinjaUndefined && hasDefault ? args.Get(-1, "default") : found;
            }).ToList();
        }

        if (args.Positional.Count == 0)
        {
            throw new JinjaException("map requires a filter name or attribute=");
        }

        var name = Str(args.Positional[0]);
        var filter = Find(name) ?? throw new JinjaException($"No filter named '{name}'");
        var rest = new JinjaArgs(args.Positional.Skip(1).ToList(), args.Named);
        return items.Select(item => filter(context, item, rest)).ToList();
    }

    private static List<object?> Select(RenderContext context, object? value, JinjaArgs args, bool keep, bool byAttribute)
    {
        var items = JinjaOps.Iterate(value);
        var offset = byAttribute ? 1 : 0;
        var attribute = byAttribute ? args.Get(0, "attribute") : null;
        JinjaTests.Test? test = null;
        var testArgs = JinjaArgs.Empty;
        if (args.Positional.Count > offset)
        {
            var name = Str(args.Positional[offset]);
            test = JinjaTests.Find(name) ?? throw new JinjaException($"No test named '{name}'");
            testArgs = new JinjaArgs(args.Positional.Skip(offset + 1).ToList(), []);
        }

        var result = new List<object?>();
        foreach (var item in items)
        {
            var subject = attribute is null ? item : GetPath(item, attribute);
            var passes = test is null ? JinjaOps.Truthy(subject) : test(context, subject, testArgs);
            if (passes == keep)
            {
                result.Add(item);
            }
        }

        return result;
    }

    // Jinja attribute paths: "function.name" walks nested attributes, numeric parts index lists.
    private static object? GetPath(object? item, object? attribute)
    {
        if (attribute is long index)
        {
            return JinjaAccess.Item(item, index);
        }

        var current = item;
        foreach (var part in Str(attribute).Split('.'))
        {
            current = long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var at)
                ? JinjaAccess.Item(current, at)
                : JinjaAccess.Item(current, part);
        }

        return current;
    }

    private static List<object?> Sort(object? value, JinjaArgs args)
    {
        var reverse = JinjaOps.Truthy(args.Get(0, "reverse", false));
        var caseSensitive = JinjaOps.Truthy(args.Get(1, "case_sensitive", false));
        var attribute = args.Get(2, "attribute");
        var items = JinjaOps.Iterate(value).ToList();
        var keyed = items.Select(item => (Key: attribute is null ? item : GetPath(item, attribute), Item: item)).ToList();

        // A stable sort, like Python's sorted().
        var ordered = keyed.Select((k, i) => (k.Key, k.Item, i)).ToList();
        ordered.Sort((x, y) =>
        {
            var c = SortKeyCompare(x.Key, y.Key, caseSensitive);
            return c != 0 ? (reverse ? -c : c) : x.i.CompareTo(y.i);
        });
        return ordered.Select(x => x.Item).ToList();
    }

    private static int SortKeyCompare(object? x, object? y, bool caseSensitive)
    {
        if (!caseSensitive && x is string a && y is string b)
        {
            return JinjaOps.Compare(a.ToLowerInvariant(), b.ToLowerInvariant());
        }

        return JinjaOps.Compare(x, y);
    }

    private static List<object?> Unique(object? value, JinjaArgs args)
    {
        var caseSensitive = JinjaOps.Truthy(args.Get(0, "case_sensitive", false));
        var attribute = args.Get(1, "attribute");
        var seen = new List<object?>();
        var result = new List<object?>();
        foreach (var item in JinjaOps.Iterate(value))
        {
            var key = attribute is null ? item : GetPath(item, attribute);
            if (!caseSensitive && key is string s)
            {
                key = s.ToLowerInvariant();
            }

            if (!seen.Any(k => JinjaOps.AreEqual(k, key)))
            {
                seen.Add(key);
                result.Add(item);
            }
        }

        return result;
    }

    private static List<object?> Batch(object? value, JinjaArgs args)
    {
        var size = (int)JinjaOps.ToLong(args.Get(0, "linecount"));
        if (size <= 0)
        {
            throw new JinjaException("batch size must be positive");
        }

        var hasFill = args.Has(1, "fill_with");
        var result = new List<object?>();
        List<object?>? current = null;
        foreach (var item in JinjaOps.Iterate(value))
        {
            current ??= [];
            current.Add(item);
            if (current.Count == size)
            {
                result.Add(current);
                current = null;
            }
        }

        if (current is not null)
        {
            while (hasFill && current.Count < size)
            {
                current.Add(args.Get(1, "fill_with"));
            }

            result.Add(current);
        }

        return result;
    }

    private static object? Extreme(object? value, JinjaArgs args, int sign)
    {
        var caseSensitive = JinjaOps.Truthy(args.Get(0, "case_sensitive", false));
        var attribute = args.Get(1, "attribute");
        object? best = JinjaUndefined.Instance;
        object? bestKey = null;
        foreach (var item in JinjaOps.Iterate(value))
        {
            var key = attribute is null ? item : GetPath(item, attribute);
            if (best is JinjaUndefined || SortKeyCompare(key, bestKey, caseSensitive) * sign > 0)
            {
                best = item;
                bestKey = key;
            }
        }

        return best;
    }

    private static object? Sum(object? value, JinjaArgs args)
    {
        var attribute = args.Get(0, "attribute");
        var total = args.Get(1, "start", 0L);
        foreach (var item in JinjaOps.Iterate(value))
        {
            total = JinjaOps.Add(total, attribute is null ? item : GetPath(item, attribute));
        }

        return total;
    }
}
