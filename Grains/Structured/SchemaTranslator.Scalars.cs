using System.Text.Encodings.Web;
using System.Text.Json;

namespace Verge.Orleans.Grains.Structured;

internal sealed partial class SchemaTranslator
{
    // llama.cpp refuses repetition counts above 2000 in a grammar.
    private const int MaxRepetition = 2000;

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly HashSet<string> Formats = ["date", "time", "date-time", "uuid"];

    /// <summary>A GBNF sequence matching exactly this JSON value, with bounded whitespace between its tokens.</summary>
    private string JsonLiteral(JsonElement value)
    {
        builder.Primitive("space");
        return value.ValueKind switch
        {
            JsonValueKind.Object => "\"{\" space " + string.Join(" \",\" space ", value.EnumerateObject().Select(p => $"{Key(p.Name)} {JsonLiteral(p.Value)}"))
                + (value.EnumerateObject().Any() ? " " : "") + "\"}\" space",
            JsonValueKind.Array => "\"[\" space " + string.Join(" \",\" space ", value.EnumerateArray().Select(JsonLiteral))
                + (value.GetArrayLength() > 0 ? " " : "") + "\"]\" space",
            JsonValueKind.String => GbnfBuilder.Literal(JsonSerializer.Serialize(value.GetString(), Relaxed)) + " space",
            _ => GbnfBuilder.Literal(value.GetRawText()) + " space",
        };
    }

    /// <summary>An object key and its colon.</summary>
    private static string Key(string name)
    {
        return GbnfBuilder.Literal(JsonSerializer.Serialize(name, Relaxed)) + " space \":\" space";
    }

    private string StringRule(JsonElement schema, string hint, string path)
    {
        var min = Count(schema, "minLength", path);
        var max = Count(schema, "maxLength", path);
        if (schema.TryGetProperty("format", out var format))
        {
            var name = format.ValueKind == JsonValueKind.String ? format.GetString()! : "";
            if (!Formats.Contains(name))
            {
                throw Unsupported(path, "format", $"The string format '{format}' is not supported (date, time, date-time, uuid are).");
            }

            if (min is not null || max is not null)
            {
                throw Unsupported(path, min is not null ? "minLength" : "maxLength", "Length limits beside 'format' are not supported.");
            }

            builder.Primitive("space");
            return builder.Define($"{name}-string", $"\"\\\"\" {builder.Primitive(name)} \"\\\"\" space");
        }

        if (min is null && max is null)
        {
            return builder.Primitive("string");
        }

        if (min > max)
        {
            throw Unsupported(path, "minLength", "'minLength' is larger than 'maxLength'.");
        }

        builder.Primitive("char");
        builder.Primitive("space");
        return builder.Define(hint, $"\"\\\"\" char{{{min ?? 0},{max}}} \"\\\"\" space");
    }

    private string IntegerRule(JsonElement schema, string hint, string path)
    {
        var lo = Bound(schema, "minimum", path, Math.Ceiling);
        var exclusiveLo = Bound(schema, "exclusiveMinimum", path, x => Math.Floor(x) + 1);
        var hi = Bound(schema, "maximum", path, Math.Floor);
        var exclusiveHi = Bound(schema, "exclusiveMaximum", path, x => Math.Ceiling(x) - 1);
        lo = exclusiveLo is null ? lo : Math.Max(lo ?? long.MinValue, exclusiveLo.Value);
        hi = exclusiveHi is null ? hi : Math.Min(hi ?? long.MaxValue, exclusiveHi.Value);
        if (lo is null && hi is null)
        {
            return builder.Primitive("integer");
        }

        if (lo > hi)
        {
            throw Unsupported(path, "minimum", "The integer range is empty: the minimum is above the maximum.");
        }

        builder.Primitive("space");
        return builder.Define(hint, $"({IntegerRange.Gbnf(lo, hi)}) space");
    }

    private string NumberRule(JsonElement schema, string hint, string path)
    {
        foreach (var keyword in NumberKeywords)
        {
            if (schema.TryGetProperty(keyword, out var bound) && !(keyword == "minimum" && bound.ValueKind == JsonValueKind.Number && bound.GetDouble() == 0))
            {
                throw Unsupported(path, keyword, $"'{keyword}' on a number is supported only as 'minimum: 0' (use an integer type for other bounds).");
            }
        }

        if (!schema.TryGetProperty("minimum", out _))
        {
            return builder.Primitive("number");
        }

        builder.Primitive("number");
        return builder.Define(hint, "integral-part (\".\" decimal-part)? ([eE] [-+]? integral-part)? space");
    }

    /// <summary>A non-negative integer keyword such as minLength, or null when absent.</summary>
    private static int? Count(JsonElement schema, string keyword, string path)
    {
        if (!schema.TryGetProperty(keyword, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var count) || count < 0)
        {
            throw Unsupported(path, keyword, $"'{keyword}' must be a non-negative integer.");
        }

        return count <= MaxRepetition ? count : throw Unsupported(path, keyword, $"'{keyword}' above {MaxRepetition} is not supported.");
    }

    /// <summary>An integer bound, rounded inwards, or null when absent.</summary>
    private static long? Bound(JsonElement schema, string keyword, string path, Func<double, double> round)
    {
        if (!schema.TryGetProperty(keyword, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            throw Unsupported(path, keyword, $"'{keyword}' must be a number.");
        }

        var bound = round(value.GetDouble());
        return Math.Abs(bound) < IntegerRange.Limit ? (long)bound : throw Unsupported(path, keyword, $"'{keyword}' beyond ±{IntegerRange.Limit} is not supported.");
    }
}
