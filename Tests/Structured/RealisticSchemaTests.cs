namespace Verge.Orleans.Tests.Structured;

/// <summary>Schemas as clients send them: OpenAI strict mode and Pydantic output.</summary>
public sealed class RealisticSchemaTests
{
    [Fact]
    public void PydanticStyleSchemaWithNullableFieldsAndDefs()
    {
        const string Schema = """
            {"$defs":{"Unit":{"enum":["celsius","fahrenheit"],"title":"Unit","type":"string"},
                      "Place":{"properties":{"name":{"title":"Name","type":"string"},"country":{"anyOf":[{"type":"string","maxLength":2},{"type":"null"}],"default":null,"title":"Country"}},
                               "required":["name"],"title":"Place","type":"object","additionalProperties":false}},
             "properties":{"place":{"$ref":"#/$defs/Place"},"unit":{"$ref":"#/$defs/Unit"},"days":{"default":1,"title":"Days","type":"integer","minimum":1,"maximum":14},
                           "stops":{"items":{"$ref":"#/$defs/Place"},"title":"Stops","type":"array","maxItems":3}},
             "required":["place","unit"],"title":"Forecast","type":"object","additionalProperties":false}
            """;

        SchemaCheck.Accepts(
            Schema,
            """{"place": {"name": "Oslo", "country": "NO"}, "unit": "celsius", "days": 14}""",
            """{"place": {"name": "Oslo", "country": null}, "unit": "fahrenheit", "stops": [{"name": "Bergen"}, {"name": "Å"}]}""");
        SchemaCheck.Rejects(
            Schema,
            """{"place": {"name": "Oslo", "country": "NOR"}, "unit": "celsius"}""",
            """{"place": {"name": "Oslo"}, "unit": "kelvin"}""",
            """{"place": {"name": "Oslo"}, "unit": "celsius", "days": 15}""",
            """{"place": {"name": "Oslo"}, "unit": "celsius", "days": 0}""",
            """{"place": {"name": "Oslo"}, "unit": "celsius", "stops": [{"name": "a"}, {"name": "b"}, {"name": "c"}, {"name": "d"}]}""",
            """{"unit": "celsius"}""");
    }

    [Fact]
    public void OpenAiStrictModeSchemaWithAllKeysRequired()
    {
        const string Schema = """
            {"type":"object","properties":{"steps":{"type":"array","items":{"type":"object","properties":{"explanation":{"type":"string"},"output":{"type":"string"}},
              "required":["explanation","output"],"additionalProperties":false}},"final_answer":{"type":"string"}},
             "required":["steps","final_answer"],"additionalProperties":false}
            """;

        SchemaCheck.Accepts(Schema, """{"steps": [{"explanation": "x = 2", "output": "2"}], "final_answer": "2"}""", """{"steps": [], "final_answer": ""}""");
        SchemaCheck.Rejects(Schema, """{"steps": [{"explanation": "x"}], "final_answer": "2"}""", """{"final_answer": "2"}""");
    }

    [Fact]
    public void ADefinitionUsedManyTimesIsDefinedOnce()
    {
        var properties = string.Join(",", Enumerable.Range(0, 50).Select(i => $$"""
            "p{{i}}":{"$ref":"#/$defs/point"}
            """));
        var schema = "{\"type\":\"object\",\"properties\":{" + properties + """
            },"additionalProperties":false,
             "$defs":{"point":{"type":"object","properties":{"x":{"type":"number"},"y":{"type":"number"}},"required":["x","y"],"additionalProperties":false}}}
            """;
        var grammar = SchemaCheck.Grammar(schema);

        Assert.Single(grammar.Split('\n'), line => line.Contains("\"\\\"x\\\"\"", StringComparison.Ordinal));
        Assert.True(GrammarAcceptance.Accepts(grammar, """{"p7": {"x": 1, "y": -2.5}, "p49": {"x": 0, "y": 0}}"""));
        Assert.False(GrammarAcceptance.Accepts(grammar, """{"p7": {"x": 1}}"""));
    }
}
