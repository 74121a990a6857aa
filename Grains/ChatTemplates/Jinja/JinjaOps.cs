using System.Text;

namespace Verge.Orleans.Grains.ChatTemplates.Jinja;

/// <summary>Python semantics for truthiness, equality, ordering, arithmetic and containment.</summary>
internal static class JinjaOps
{
    public static bool Truthy(object? value) => value switch
    {
        null or JinjaUndefined => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        IReadOnlyList<object?> list => list.Count > 0,
        IReadOnlyDictionary<string, object?> dict => dict.Count > 0,
        _ => true,
    };

    public static string TypeName(object? value) => value switch
    {
        null => "NoneType",
        JinjaUndefined => "Undefined",
        bool => "bool",
        long => "int",
        double => "float",
        string => "str",
        object?[] => "tuple",
        IReadOnlyList<object?> => "list",
        IReadOnlyDictionary<string, object?> => "dict",
        JinjaNamespace => "Namespace",
        JinjaCallable => "function",
        JinjaLoop => "LoopContext",
        _ => value.GetType().Name,
    };

    public static bool IsNumber(object? value) => value is long or double or bool;

    public static double ToDouble(object? value) => value switch
    {
        long l => l,
        double d => d,
        bool b => b ? 1 : 0,
        _ => throw new JinjaException($"expected a number, got {TypeName(value)}"),
    };

    public static long ToLong(object? value) => value switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        double d => (long)d,
        _ => throw new JinjaException($"expected an integer, got {TypeName(value)}"),
    };

    public static bool AreEqual(object? a, object? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (IsNumber(a) && IsNumber(b))
        {
            return a is double || b is double ? ToDouble(a) == ToDouble(b) : ToLong(a) == ToLong(b);
        }

        switch (a)
        {
            case null:
                return b is null;
            case JinjaUndefined:
                return b is JinjaUndefined;
            case string s:
                return b is string t && string.Equals(s, t, StringComparison.Ordinal);
            case IReadOnlyList<object?> x when b is IReadOnlyList<object?> y:
                if (x.Count != y.Count)
                {
                    return false;
                }

                for (var i = 0; i < x.Count; i++)
                {
                    if (!AreEqual(x[i], y[i]))
                    {
                        return false;
                    }
                }

                return true;
            case IReadOnlyDictionary<string, object?> x when b is IReadOnlyDictionary<string, object?> y:
                if (x.Count != y.Count)
                {
                    return false;
                }

                foreach (var pair in x)
                {
                    if (!y.TryGetValue(pair.Key, out var other) || !AreEqual(pair.Value, other))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return ReferenceEquals(a, b);
        }
    }

    /// <summary>Python ordering; throws for types that cannot be ordered against each other.</summary>
    public static int Compare(object? a, object? b)
    {
        if (IsNumber(a) && IsNumber(b))
        {
            return a is double || b is double ? ToDouble(a).CompareTo(ToDouble(b)) : ToLong(a).CompareTo(ToLong(b));
        }

        if (a is string s && b is string t)
        {
            return Math.Sign(string.CompareOrdinal(s, t));
        }

        if (a is IReadOnlyList<object?> x && b is IReadOnlyList<object?> y)
        {
            for (var i = 0; i < Math.Min(x.Count, y.Count); i++)
            {
                if (!AreEqual(x[i], y[i]))
                {
                    return Compare(x[i], y[i]);
                }
            }

            return x.Count.CompareTo(y.Count);
        }

        throw new JinjaException($"'<' not supported between instances of '{TypeName(a)}' and '{TypeName(b)}'");
    }

    public static object? Add(object? a, object? b)
    {
        if (a is long x && b is long y)
        {
            return x + y;
        }

        if (IsNumber(a) && IsNumber(b))
        {
            return a is double || b is double ? ToDouble(a) + ToDouble(b) : (object)(ToLong(a) + ToLong(b));
        }

        if (a is string s && b is string t)
        {
            return s + t;
        }

        if (a is IReadOnlyList<object?> l && b is IReadOnlyList<object?> r && a is not object?[] && b is not object?[])
        {
            var joined = new List<object?>(l.Count + r.Count);
            joined.AddRange(l);
            joined.AddRange(r);
            return joined;
        }

        if (a is object?[] ta && b is object?[] tb)
        {
            return ta.Concat(tb).ToArray();
        }

        throw BadOperands("+", a, b);
    }

    public static object? Arithmetic(string op, object? a, object? b)
    {
        switch (op)
        {
            case "+":
                return Add(a, b);
            case "*":
                return Multiply(a, b);
            case "%" when a is string format:
                return JinjaFilters.PercentFormat(format, new JinjaArgs(b is object?[] tuple ? tuple : [b], []));
        }

        if (!IsNumber(a) || !IsNumber(b))
        {
            throw BadOperands(op, a, b);
        }

        var integral = a is not double && b is not double;
        switch (op)
        {
            case "-":
                return integral ? ToLong(a) - ToLong(b) : (object)(ToDouble(a) - ToDouble(b));
            case "/":
                if (ToDouble(b) == 0)
                {
                    throw new JinjaException("division by zero");
                }

                return ToDouble(a) / ToDouble(b);
            case "//":
                if (ToDouble(b) == 0)
                {
                    throw new JinjaException("integer division or modulo by zero");
                }

                if (integral)
                {
                    var (la, lb) = (ToLong(a), ToLong(b));
                    var q = la / lb;
                    return (la % lb != 0 && (la < 0) != (lb < 0)) ? q - 1 : q;
                }

                return Math.Floor(ToDouble(a) / ToDouble(b));
            case "%":
                if (ToDouble(b) == 0)
                {
                    throw new JinjaException("integer division or modulo by zero");
                }

                if (integral)
                {
                    var (la, lb) = (ToLong(a), ToLong(b));
                    var m = la % lb;
                    return m != 0 && (m < 0) != (lb < 0) ? m + lb : m;
                }

                var (da, db) = (ToDouble(a), ToDouble(b));
                var dm = da % db;
                return dm != 0 && (dm < 0) != (db < 0) ? dm + db : dm;
            case "**":
                if (integral && ToLong(b) >= 0)
                {
                    long result = 1;
                    var (bas, exp) = (ToLong(a), ToLong(b));
                    for (long i = 0; i < exp; i++)
                    {
                        result = checked(result * bas);
                    }

                    return result;
                }

                return Math.Pow(ToDouble(a), ToDouble(b));
            default:
                throw new JinjaException($"unknown operator {op}");
        }
    }

    public static object? Negate(object? value) => value switch
    {
        long l => (object)(-l),
        double d => -d,
        bool b => b ? -1L : 0L,
        _ => throw new JinjaException($"bad operand type for unary -: '{TypeName(value)}'"),
    };

    /// <summary>Python's <c>needle in haystack</c>.</summary>
    public static bool Contains(object? haystack, object? needle)
    {
        switch (haystack)
        {
            case string s:
                if (needle is not string t)
                {
                    throw new JinjaException($"'in <string>' requires string as left operand, not {TypeName(needle)}");
                }

                return s.Contains(t, StringComparison.Ordinal);
            case IReadOnlyDictionary<string, object?> dict:
                return needle is string key && dict.ContainsKey(key);
            case JinjaNamespace ns:
                return needle is string name && ns.Attributes.ContainsKey(name);
            case IReadOnlyList<object?> list:
                foreach (var item in list)
                {
                    if (AreEqual(item, needle))
                    {
                        return true;
                    }
                }

                return false;
            case JinjaUndefined:
                return false;
            default:
                throw new JinjaException($"argument of type '{TypeName(haystack)}' is not iterable");
        }
    }

    /// <summary>The items a for loop visits: list items, dict keys, string characters; nothing for undefined.</summary>
    public static IReadOnlyList<object?> Iterate(object? value) => value switch
    {
        IReadOnlyList<object?> list => list,
        IReadOnlyDictionary<string, object?> dict => dict.Keys.Cast<object?>().ToList(),
        string s => Chars(s),
        JinjaUndefined => [],
        _ => throw new JinjaException($"'{TypeName(value)}' object is not iterable"),
    };

    public static List<object?> Chars(string s)
    {
        var chars = new List<object?>(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                chars.Add(s.Substring(i, 2));
                i++;
            }
            else
            {
                chars.Add(s[i].ToString());
            }
        }

        return chars;
    }

    public static long Length(object? value) => value switch
    {
        string s => CodePoints(s),
        IReadOnlyList<object?> list => list.Count,
        IReadOnlyDictionary<string, object?> dict => dict.Count,
        JinjaNamespace ns => ns.Attributes.Count,
        JinjaUndefined => 0,
        _ => throw new JinjaException($"object of type '{TypeName(value)}' has no len()"),
    };

    public static int CodePoints(string s)
    {
        var count = s.Length;
        foreach (var c in s)
        {
            if (char.IsLowSurrogate(c))
            {
                count--;
            }
        }

        return count;
    }

    public static string Repeat(string s, long times)
    {
        if (times <= 0)
        {
            return string.Empty;
        }

        if (s.Length * times > 10_000_000)
        {
            throw new JinjaException("string repetition result is too large");
        }

        var builder = new StringBuilder(s.Length * (int)times);
        for (long i = 0; i < times; i++)
        {
            builder.Append(s);
        }

        return builder.ToString();
    }

    private static object? Multiply(object? a, object? b)
    {
        if (IsNumber(a) && IsNumber(b))
        {
            return a is double || b is double ? ToDouble(a) * ToDouble(b) : (object)checked(ToLong(a) * ToLong(b));
        }

        if (a is string s && b is long or bool)
        {
            return Repeat(s, ToLong(b));
        }

        if (b is string t && a is long or bool)
        {
            return Repeat(t, ToLong(a));
        }

        if (a is IReadOnlyList<object?> list && b is long n)
        {
            var result = new List<object?>();
            for (long i = 0; i < n; i++)
            {
                result.AddRange(list);
            }

            return result;
        }

        throw BadOperands("*", a, b);
    }

    private static JinjaException BadOperands(string op, object? a, object? b) =>
        new($"unsupported operand type(s) for {op}: '{TypeName(a)}' and '{TypeName(b)}'");
}
