using System.Text.Json;

namespace Verge.Orleans.Grains.Structured;

/// <summary>Translates one JSON Schema (and the local references inside it) into rules of a <see cref="GbnfBuilder"/>.</summary>
internal sealed partial class SchemaTranslator(GbnfBuilder builder, JsonElement root)
{
    private static readonly HashSet<string> Annotations =
        ["description", "title", "default", "examples", "$schema", "$id", "$comment", "$defs", "definitions"];

    private static readonly HashSet<string> Keywords =
    [
        "type", "properties", "required", "additionalProperties", "enum", "const", "minLength", "maxLength", "format",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "items", "prefixItems", "minItems", "maxItems",
        "anyOf", "oneOf", "allOf", "$ref",
    ];

    private static readonly string[] ObjectKeywords = ["properties", "required", "additionalProperties"];
    private static readonly string[] ArrayKeywords = ["items", "prefixItems", "minItems", "maxItems"];
    private static readonly string[] StringKeywords = ["minLength", "maxLength", "format"];
    private static readonly string[] NumberKeywords = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"];

    private readonly Dictionary<string, string> refRules = [];

    public string Translate(JsonElement schema, string hint, string path)
    {
        if (schema.ValueKind == JsonValueKind.True)
        {
            return builder.Primitive("value");
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw new UnsupportedSchemaException(path, "schema", $"The schema at '{Describe(path)}' must be an object or true, not {schema.ValueKind}.");
        }

        foreach (var keyword in schema.EnumerateObject())
        {
            if (!Keywords.Contains(keyword.Name) && !Annotations.Contains(keyword.Name))
            {
                throw Unsupported(path, keyword.Name, $"The JSON Schema keyword '{keyword.Name}' is not supported for structured output.");
            }
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            OnlyWith(schema, path, "$ref");
            return Ref(reference, path);
        }

        if (schema.TryGetProperty("const", out var constant))
        {
            OnlyWith(schema, path, "const", "type");
            OfDeclaredType(schema, path, "const", [constant]);
            return builder.Define(hint, JsonLiteral(constant));
        }

        if (schema.TryGetProperty("enum", out var values))
        {
            OnlyWith(schema, path, "enum", "type");
            if (values.ValueKind != JsonValueKind.Array || values.GetArrayLength() == 0)
            {
                throw Unsupported(path, "enum", "'enum' must be a non-empty array of values.");
            }

            OfDeclaredType(schema, path, "enum", [.. values.EnumerateArray()]);

            return builder.Define(hint, string.Join(" | ", values.EnumerateArray().Select(JsonLiteral)));
        }

        foreach (var combinator in (string[])["anyOf", "oneOf", "allOf"])
        {
            if (schema.TryGetProperty(combinator, out var alternatives))
            {
                OnlyWith(schema, path, combinator);
                return Alternatives(combinator, alternatives, hint, path);
            }
        }

        var types = Types(schema, path);
        var rules = types.Select(type => TypeRule(type, schema, types.Count == 1 ? hint : $"{hint}-{type}", path)).ToList();
        return rules.Count == 1 ? rules[0] : builder.Define(hint, string.Join(" | ", rules));
    }

    private string Alternatives(string combinator, JsonElement alternatives, string hint, string path)
    {
        if (alternatives.ValueKind != JsonValueKind.Array || alternatives.GetArrayLength() == 0)
        {
            throw Unsupported(path, combinator, $"'{combinator}' must be a non-empty array of schemas.");
        }

        var schemas = alternatives.EnumerateArray().ToList();
        if (combinator == "allOf")
        {
            // An intersection of several schemas has no simple grammar; one schema is just that schema.
            return schemas.Count == 1
                ? Translate(schemas[0], hint, Join(Join(path, combinator), "0"))
                : throw Unsupported(path, combinator, "'allOf' is supported with a single schema only.");
        }

        // oneOf's "exactly one" cannot be checked by a grammar; alternatives that overlap are the schema's business.
        var rules = schemas.Select((s, i) => Translate(s, $"{hint}-{i}", Join(Join(path, combinator), $"{i}"))).ToList();
        return rules.Count == 1 ? rules[0] : builder.Define(hint, string.Join(" | ", rules));
    }

    private string Ref(JsonElement reference, string path)
    {
        if (reference.ValueKind != JsonValueKind.String)
        {
            throw Unsupported(path, "$ref", "'$ref' must be a string.");
        }

        var text = reference.GetString()!;
        if (refRules.TryGetValue(text, out var known))
        {
            return known;
        }

        if (!text.StartsWith('#'))
        {
            throw Unsupported(path, "$ref", $"Only references inside the schema ('#/$defs/...') are supported, not '{text}'.");
        }

        var target = root;
        var segments = new List<string>();
        foreach (var raw in text.Length > 1 ? text[1..].TrimStart('/').Split('/') : [])
        {
            var segment = Uri.UnescapeDataString(raw).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            var found = target.ValueKind switch
            {
                JsonValueKind.Object => target.TryGetProperty(segment, out var next) ? next : (JsonElement?)null,
                JsonValueKind.Array when int.TryParse(segment, out var i) && i >= 0 && i < target.GetArrayLength() => target[i],
                _ => null,
            };
            target = found ?? throw Unsupported(path, "$ref", $"The reference '{text}' does not resolve inside the schema.");
            segments.Add(segment);
        }

        var name = builder.Reserve(GbnfBuilder.Sanitize(segments.Count == 0 ? "root-schema" : segments[^1]));
        refRules[text] = name;
        builder.Fill(name, Translate(target, $"{name}-def", string.Join('.', segments)));
        return name;
    }

    private static List<string> Types(JsonElement schema, string path)
    {
        if (schema.TryGetProperty("type", out var type))
        {
            var names = type.ValueKind switch
            {
                JsonValueKind.String => [type.GetString()!],
                JsonValueKind.Array when type.GetArrayLength() > 0 && type.EnumerateArray().All(t => t.ValueKind == JsonValueKind.String)
                    => type.EnumerateArray().Select(t => t.GetString()!).Distinct().ToList(),
                _ => throw Unsupported(path, "type", "'type' must be a type name or a non-empty array of type names."),
            };
            var unknown = names.FirstOrDefault(n => n is not ("string" or "integer" or "number" or "boolean" or "null" or "object" or "array"));
            return unknown is null ? names : throw Unsupported(path, "type", $"'{unknown}' is not a JSON Schema type.");
        }

        // Without a type, the keywords present say which type is meant; a mix would need a type each.
        var implied = new List<string>();
        foreach (var (name, keywords) in (ReadOnlySpan<(string, string[])>)[("object", ObjectKeywords), ("array", ArrayKeywords), ("string", StringKeywords), ("number", NumberKeywords)])
        {
            if (keywords.Any(k => schema.TryGetProperty(k, out _)))
            {
                implied.Add(name);
            }
        }

        return implied.Count switch
        {
            0 => ["any"],
            1 => implied,
            _ => throw Unsupported(path, "type", $"Keywords of several types ({string.Join(", ", implied)}) without a 'type'."),
        };
    }

    private string TypeRule(string type, JsonElement schema, string hint, string path)
    {
        return type switch
        {
            "any" => builder.Primitive("value"),
            "boolean" => builder.Primitive("boolean"),
            "null" => builder.Primitive("null"),
            "string" => StringRule(schema, hint, path),
            "integer" => IntegerRule(schema, hint, path),
            "number" => NumberRule(schema, hint, path),
            "object" => ObjectRule(schema, hint, path),
            _ => ArrayRule(schema, hint, path),
        };
    }

    /// <summary>Throws when a listed value is not of the schema's declared type (the grammar would otherwise allow it).</summary>
    private static void OfDeclaredType(JsonElement schema, string path, string keyword, List<JsonElement> values)
    {
        if (!schema.TryGetProperty("type", out _))
        {
            return;
        }

        var types = Types(schema, path);
        var stray = values.FirstOrDefault(v => !types.Any(t => IsOfType(v, t)));
        if (stray.ValueKind != JsonValueKind.Undefined)
        {
            throw Unsupported(path, keyword, $"The value {stray.GetRawText()} is not of the declared type {string.Join(" or ", types)}.");
        }
    }

    private static bool IsOfType(JsonElement value, string type)
    {
        return (type, value.ValueKind) switch
        {
            ("string", JsonValueKind.String) or ("object", JsonValueKind.Object) or ("array", JsonValueKind.Array) => true,
            ("number", JsonValueKind.Number) or ("null", JsonValueKind.Null) => true,
            ("boolean", JsonValueKind.True or JsonValueKind.False) => true,
            ("integer", JsonValueKind.Number) => value.TryGetDecimal(out var d) && decimal.Truncate(d) == d,
            _ => false,
        };
    }

    /// <summary>Throws for the first keyword beside <paramref name="keyword"/> other than annotations and <paramref name="allowed"/>.</summary>
    private static void OnlyWith(JsonElement schema, string path, string keyword, params string[] allowed)
    {
        foreach (var sibling in schema.EnumerateObject())
        {
            if (sibling.Name != keyword && !Annotations.Contains(sibling.Name) && !allowed.Contains(sibling.Name))
            {
                throw Unsupported(path, sibling.Name, $"'{sibling.Name}' beside '{keyword}' is not supported.");
            }
        }
    }

    internal static UnsupportedSchemaException Unsupported(string path, string keyword, string message)
    {
        var at = Join(path, keyword);
        return new UnsupportedSchemaException(at, keyword, $"{message} (at '{at}')");
    }

    private static string Join(string path, string key)
    {
        return path.Length == 0 ? key : $"{path}.{key}";
    }

    private static string Describe(string path)
    {
        return path.Length == 0 ? "(root)" : path;
    }
}
