using System.Collections;
using System.Globalization;
using System.Text.Json;

namespace Verge.Orleans.Grains.ChatTemplates.Jinja;

/// <summary>
/// Converts host data into the template value model: null, bool, long, double, string,
/// <see cref="IReadOnlyList{T}"/> of values and insertion-ordered <see cref="IReadOnlyDictionary{TKey, TValue}"/>.
/// </summary>
public static class JinjaValue
{
    /// <summary>Maps a JSON element: integral numbers to long, other numbers to double, objects keep key order.</summary>
    public static object? FromJson(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var dict = new JinjaDict();
                foreach (var property in element.EnumerateObject())
                {
                    dict.Set(property.Name, FromJson(property.Value));
                }

                return dict;
            case JsonValueKind.Array:
                var list = new List<object?>(element.GetArrayLength());
                foreach (var item in element.EnumerateArray())
                {
                    list.Add(FromJson(item));
                }

                return list;
            case JsonValueKind.String:
                return element.GetString();
            case JsonValueKind.Number:
                var raw = element.GetRawText();
                if (raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0 && element.TryGetInt64(out var whole))
                {
                    return whole;
                }

                return element.GetDouble();
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                return null;
        }
    }

    /// <summary>Brings a host value into the model (ints widen to long, floats to double, JSON is converted).</summary>
    internal static object? Normalize(object? value)
    {
        switch (value)
        {
            case null or string or long or bool or double:
                return value;
            case int i:
                return (long)i;
            case short s:
                return (long)s;
            case byte b:
                return (long)b;
            case uint u:
                return (long)u;
            case float f:
                return (double)f;
            case decimal m:
                return (double)m;
            case JsonElement element:
                return FromJson(element);
            case char c:
                return c.ToString();
            case Enum e:
                return e.ToString();
            case IReadOnlyList<object?> or IReadOnlyDictionary<string, object?>:
                return value;
            case IDictionary dictionary:
                var dict = new JinjaDict();
                foreach (DictionaryEntry entry in dictionary)
                {
                    dict.Set(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty, entry.Value);
                }

                return dict;
            case IEnumerable sequence:
                var list = new List<object?>();
                foreach (var item in sequence)
                {
                    list.Add(item);
                }

                return list;
            default:
                return value;
        }
    }
}
