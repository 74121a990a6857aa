using System.Text.Json;

namespace Verge.Orleans.Grains.Structured;

internal sealed partial class SchemaTranslator
{
    /// <summary>
    /// Keys come in a fixed order: required properties in the order <c>properties</c> declares them (then
    /// required keys <c>properties</c> does not declare), then optional properties in declared order, each
    /// optional, then extra keys when <c>additionalProperties</c> allows them.
    /// </summary>
    private string ObjectRule(JsonElement schema, string hint, string path)
    {
        var hasProperties = schema.TryGetProperty("properties", out var properties);
        if (hasProperties && properties.ValueKind != JsonValueKind.Object)
        {
            throw Unsupported(path, "properties", "'properties' must be an object of schemas.");
        }

        var required = Required(schema, path);
        var extraValue = ExtraValue(schema, hint, path, hasProperties);
        if (extraValue == "value" && !hasProperties && required.Count == 0)
        {
            return builder.Primitive("object");
        }

        var declared = hasProperties ? properties.EnumerateObject().ToList() : [];
        var pairs = new List<(string Rule, bool Required)>();
        foreach (var property in declared.Where(p => required.Contains(p.Name)).Concat(declared.Where(p => !required.Contains(p.Name))))
        {
            var value = Translate(property.Value, $"{hint}-{GbnfBuilder.Sanitize(property.Name)}", Join(Join(path, "properties"), property.Name));
            pairs.Add((builder.Define($"{hint}-{GbnfBuilder.Sanitize(property.Name)}-kv", $"{Key(property.Name)} {value}"), required.Contains(property.Name)));
        }

        foreach (var name in required.Where(r => declared.All(p => p.Name != r)))
        {
            var value = extraValue ?? throw Unsupported(path, "required", $"The required key '{name}' is neither declared in 'properties' nor allowed by 'additionalProperties'.");
            pairs.Insert(pairs.Count(p => p.Required), (builder.Define($"{hint}-{GbnfBuilder.Sanitize(name)}-kv", $"{Key(name)} {value}"), true));
        }

        builder.Primitive("space");
        var extraPair = extraValue is null ? null : builder.Define($"{hint}-extra-kv", $"{builder.Primitive("string")} \":\" space {extraValue}");

        // tails[i]: the optional pairs from i on, each with its leading comma, then any extra pairs.
        var optional = pairs.Where(p => !p.Required).Select(p => p.Rule).ToList();
        var tails = new string?[optional.Count + 1];
        tails[optional.Count] = extraPair is null ? null : builder.Define($"{hint}-extras", $"(\",\" space {extraPair})*");
        for (var i = optional.Count - 1; i >= 0; i--)
        {
            tails[i] = builder.Define($"{hint}-rest", $"(\",\" space {optional[i]})?" + (tails[i + 1] is { } next ? $" {next}" : ""));
        }

        var requiredRules = pairs.Where(p => p.Required).Select(p => p.Rule).ToList();
        string members;
        if (requiredRules.Count > 0)
        {
            members = string.Join(" \",\" space ", requiredRules) + (tails[0] is { } tail ? $" {tail}" : "") + " ";
        }
        else
        {
            // With nothing required, the first key present has no comma before it.
            var firsts = optional.Select((rule, i) => rule + (tails[i + 1] is { } next ? $" {next}" : "")).ToList();
            if (extraPair is not null)
            {
                firsts.Add($"{extraPair} {tails[optional.Count]}");
            }

            members = firsts.Count == 0 ? "" : $"({string.Join(" | ", firsts)})? ";
        }

        return builder.Define(hint, $"\"{{\" space {members}\"}}\" space");
    }

    private static List<string> Required(JsonElement schema, string path)
    {
        if (!schema.TryGetProperty("required", out var required))
        {
            return [];
        }

        if (required.ValueKind != JsonValueKind.Array || required.EnumerateArray().Any(r => r.ValueKind != JsonValueKind.String))
        {
            throw Unsupported(path, "required", "'required' must be an array of property names.");
        }

        return required.EnumerateArray().Select(r => r.GetString()!).Distinct().ToList();
    }

    /// <summary>The rule for values of keys beyond the declared ones, or null when no other keys are allowed.</summary>
    private string? ExtraValue(JsonElement schema, string hint, string path, bool hasProperties)
    {
        if (!schema.TryGetProperty("additionalProperties", out var additional))
        {
            // Absent means "anything" in JSON Schema; we allow no other keys, as OpenAI's strict mode requires,
            // unless nothing is declared at all (then {"type": "object"} would only ever be {}).
            return hasProperties ? null : builder.Primitive("value");
        }

        return additional.ValueKind switch
        {
            JsonValueKind.False => null,
            JsonValueKind.True => builder.Primitive("value"),
            JsonValueKind.Object => Translate(additional, $"{hint}-additional", Join(path, "additionalProperties")),
            _ => throw Unsupported(path, "additionalProperties", "'additionalProperties' must be a boolean or a schema."),
        };
    }

    private string ArrayRule(JsonElement schema, string hint, string path)
    {
        var item = schema.TryGetProperty("items", out var items)
            ? items.ValueKind == JsonValueKind.False ? null : Translate(items, $"{hint}-item", Join(path, "items"))
            : builder.Primitive("value");
        var min = Count(schema, "minItems", path);
        var max = Count(schema, "maxItems", path);
        builder.Primitive("space");
        if (schema.TryGetProperty("prefixItems", out var prefixItems))
        {
            if (prefixItems.ValueKind != JsonValueKind.Array)
            {
                throw Unsupported(path, "prefixItems", "'prefixItems' must be an array of schemas.");
            }

            if (min is not null || max is not null)
            {
                throw Unsupported(path, min is not null ? "minItems" : "maxItems", "Item counts beside 'prefixItems' are not supported.");
            }

            // Every prefix item is required, in order; the items after them follow 'items'.
            var prefix = prefixItems.EnumerateArray()
                .Select((s, i) => Translate(s, $"{hint}-{i}", Join(Join(path, "prefixItems"), $"{i}"))).ToList();
            if (prefix.Count > 0)
            {
                var more = item is null ? "" : $" (\",\" space {item})*";
                return builder.Define(hint, $"\"[\" space {string.Join(" \",\" space ", prefix)}{more} \"]\" space");
            }
        }

        if (min > max)
        {
            throw Unsupported(path, "minItems", "'minItems' is larger than 'maxItems'.");
        }

        if (item is null || max == 0)
        {
            return min > 0 ? throw Unsupported(path, "minItems", "'minItems' asks for items that 'items: false' forbids.") : builder.Define($"{hint}-empty", "\"[\" space \"]\" space");
        }

        if (min is null or 0 && max is null && item == "value")
        {
            return builder.Primitive("array");
        }

        var others = $"(\",\" space {item})";
        var list = (min ?? 0) switch
        {
            0 => $"({item} {others}{Repeat(0, max - 1)})?",
            var least => $"{item} {others}{Repeat(least - 1, max - 1)}",
        };
        return builder.Define(hint, $"\"[\" space {list} \"]\" space");
    }

    private static string Repeat(int min, int? max)
    {
        return (min, max) switch
        {
            (0, null) => "*",
            (1, null) => "+",
            (_, null) => $"{{{min},}}",
            _ => $"{{{min},{max}}}",
        };
    }
}
