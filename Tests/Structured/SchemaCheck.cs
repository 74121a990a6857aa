using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Verge.Orleans.Grains.Structured;

namespace Verge.Orleans.Tests.Structured;

/// <summary>Translates a schema into a grammar and compares llama.cpp's verdict on instances with a JSON Schema validator's.</summary>
internal static class SchemaCheck
{
    private static readonly EvaluationOptions Strict = new() { RequireFormatValidation = true };

    public static string Grammar(string schema)
    {
        var builder = new GbnfBuilder();
        using var document = JsonDocument.Parse(schema);
        builder.AddRule("root", builder.AddSchema(document.RootElement, "answer"));
        return builder.Build();
    }

    /// <summary>Each instance is valid for the schema and the grammar accepts it.</summary>
    public static void Accepts(string schema, params string[] instances)
    {
        var grammar = Grammar(schema);
        foreach (var instance in instances)
        {
            Assert.True(IsValid(schema, instance), $"The validator rejects {instance}");
            Assert.True(GrammarAcceptance.Accepts(grammar, instance), $"The grammar rejects {instance}:\n{grammar}");
        }
    }

    /// <summary>Each instance is invalid for the schema and the grammar rejects it.</summary>
    public static void Rejects(string schema, params string[] instances)
    {
        var grammar = Grammar(schema);
        foreach (var instance in instances)
        {
            Assert.False(IsValid(schema, instance), $"The validator accepts {instance}");
            Assert.False(GrammarAcceptance.Accepts(grammar, instance), $"The grammar accepts {instance}:\n{grammar}");
        }
    }

    /// <summary>Each instance is valid for the schema, yet the grammar rejects it by a documented choice.</summary>
    public static void StricterThanSchema(string schema, params string[] instances)
    {
        var grammar = Grammar(schema);
        foreach (var instance in instances)
        {
            Assert.True(IsValid(schema, instance), $"The validator rejects {instance}");
            Assert.False(GrammarAcceptance.Accepts(grammar, instance), $"The grammar accepts {instance}:\n{grammar}");
        }
    }

    /// <summary>Valid JSON and valid for the schema.</summary>
    private static bool IsValid(string schema, string instance)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(instance);
        }
        catch (JsonException)
        {
            return false;
        }

        return JsonSchema.FromText(schema).Evaluate(node, Strict).IsValid;
    }
}
