using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Verge.Orleans.Grains.Structured;

/// <summary>
/// Collects GBNF rules (llama.cpp's grammar format) for grammar-constrained sampling; shared
/// primitives (space, string, number, ...) are defined once, and a rule body that already exists is
/// reused under its first name, so the grammar grows linearly with the schemas added.
/// </summary>
/// <remarks>
/// The grammar accepts only instances of the schema (it is sound) but may be stricter than the
/// schema: object keys come in a fixed order, whitespace between tokens is bounded, numbers have at
/// most 16 integer and 16 fraction digits. See <see cref="AddSchema"/> for the keywords.
/// Not thread-safe: build one grammar per request.
/// </remarks>
public sealed class GbnfBuilder
{
    private readonly Dictionary<string, string> rules = [];
    private readonly List<string> order = [];
    private readonly Dictionary<string, string> nameOfBody = [];

    /// <summary>
    /// Adds rules for a JSON Schema, returns the name of the rule matching one instance of it.
    /// </summary>
    /// <remarks>
    /// Supported: <c>type</c> (a name or an array of names), <c>properties</c>, <c>required</c>,
    /// <c>additionalProperties</c>, <c>enum</c>, <c>const</c>, <c>minLength</c>, <c>maxLength</c>,
    /// <c>format</c> (date, time, date-time, uuid), <c>minimum</c>/<c>maximum</c>/<c>exclusiveMinimum</c>/
    /// <c>exclusiveMaximum</c> on integers (enforced exactly, bounds below 10^15) and <c>minimum: 0</c> on numbers, <c>items</c>, <c>prefixItems</c>, <c>minItems</c>,
    /// <c>maxItems</c>, <c>anyOf</c>, <c>oneOf</c> (both as alternatives), <c>allOf</c> with one schema,
    /// <c>$ref</c> to <c>#</c>, <c>#/$defs/...</c> or <c>#/definitions/...</c> (recursion works), and
    /// the annotations description, title, default, examples, $schema, $id, $comment (ignored).
    /// Objects: required properties come first in the order <c>properties</c> declares them, then the
    /// optional ones, each optional, in declared order. <c>additionalProperties</c> false or absent
    /// allows no other keys (OpenAI's strict mode); true or a schema allows more keys after the
    /// declared ones. An object schema with neither <c>properties</c> nor <c>additionalProperties</c>
    /// is any object. <c>prefixItems</c> are all required, in order, followed by what <c>items</c>
    /// allows (any values when absent, none when false).
    /// Lengths and item counts above 2000 are refused (llama.cpp's repetition limit).
    /// Anything else throws <see cref="UnsupportedSchemaException"/>, as does a malformed schema.
    /// The rule matches the value and the bounded whitespace after it, not whitespace before it.
    /// </remarks>
    /// <param name="schema">The schema; <c>true</c> or <c>{}</c> means any JSON value.</param>
    /// <param name="name">A hint for rule names, sanitized to [a-z0-9-].</param>
    public string AddSchema(JsonElement schema, string name)
    {
        return new SchemaTranslator(this, schema).Translate(schema, Sanitize(name), "");
    }

    /// <summary>A rule for any JSON object (json_object mode).</summary>
    public string AnyObject()
    {
        return Primitive("object");
    }

    /// <summary>A rule for any JSON value.</summary>
    public string AnyValue()
    {
        return Primitive("value");
    }

    /// <summary>Adds (or replaces) a rule written in GBNF by the caller; returns its name.</summary>
    /// <param name="name">The rule name: letters, digits and '-' only.</param>
    /// <param name="body">The right-hand side of the rule, e.g. <c>"\"a\" space"</c>.</param>
    public string AddRule(string name, string body)
    {
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            throw new ArgumentException($"A GBNF rule name holds letters, digits and '-' only: '{name}'.", nameof(name));
        }

        if (!rules.ContainsKey(name))
        {
            order.Add(name);
        }

        rules[name] = body;
        return name;
    }

    /// <summary>GBNF literal for a fixed text, quoted and escaped (e.g. <c>&lt;tool_call&gt;</c> becomes <c>"&lt;tool_call&gt;"</c>).</summary>
    public static string Literal(string text)
    {
        var literal = new StringBuilder("\"");
        foreach (var c in text)
        {
            literal.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' or '\x7F' => "\\x" + ((int)c).ToString("X2", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return literal.Append('"').ToString();
    }

    /// <summary>The whole grammar, one rule a line; <c>root</c> must have been added with <c>AddRule("root", ...)</c>.</summary>
    public string Build()
    {
        if (!rules.ContainsKey("root"))
        {
            throw new InvalidOperationException("The grammar has no root rule: add one with AddRule(\"root\", ...).");
        }

        var grammar = new StringBuilder();
        foreach (var name in order.Where(n => n == "root").Concat(order.Where(n => n != "root")))
        {
            grammar.Append(name).Append(" ::= ").Append(rules[name]).Append('\n');
        }

        return grammar.ToString();
    }

    /// <summary>Defines a shared primitive rule (and the ones it uses) once; returns its name.</summary>
    internal string Primitive(string name)
    {
        if (!rules.ContainsKey(name))
        {
            var (body, needs) = GbnfPrimitives.All[name];
            AddRule(name, body);
            nameOfBody.TryAdd(body, name);
            foreach (var need in needs)
            {
                Primitive(need);
            }
        }

        return name;
    }

    /// <summary>Adds a rule under a fresh name derived from the hint, or returns the rule that already has this body.</summary>
    internal string Define(string hint, string body)
    {
        if (nameOfBody.TryGetValue(body, out var existing))
        {
            return existing;
        }

        var name = Reserve(hint);
        nameOfBody[body] = name;
        return AddRule(name, body);
    }

    /// <summary>A fresh rule name derived from the hint, held until <see cref="Fill"/> gives it a body.</summary>
    internal string Reserve(string hint)
    {
        var name = hint;
        for (var n = 1; rules.ContainsKey(name) || name == "root" || GbnfPrimitives.All.ContainsKey(name); n++)
        {
            name = $"{hint}-{n}";
        }

        // An empty placeholder keeps the name taken while a recursive schema is being translated.
        AddRule(name, "");
        return name;
    }

    /// <summary>Gives a reserved rule its body.</summary>
    internal void Fill(string name, string body)
    {
        rules[name] = body;
    }

    internal static string Sanitize(string hint)
    {
        var name = new StringBuilder();
        foreach (var c in hint.ToLowerInvariant())
        {
            var keep = char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);
            if (keep)
            {
                name.Append(c);
            }
            else if (name.Length > 0 && name[^1] != '-')
            {
                name.Append('-');
            }
        }

        var sanitized = name.ToString().TrimEnd('-');
        return sanitized.Length == 0 ? "schema" : sanitized;
    }
}
