namespace Verge.Orleans.Tests.Structured;

/// <summary>Objects, arrays, enums, combinators and references: what the grammar accepts matches a JSON Schema validator.</summary>
public sealed class SchemaStructureTests
{
    private const string Weather = """
        {"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"},"unit":{"enum":["c","f"]}},
         "required":["unit","city"],"additionalProperties":false}
        """;

    [Fact]
    public void ObjectTakesRequiredKeysInDeclaredOrderThenOptionalOnes()
    {
        SchemaCheck.Accepts(Weather, """{"city": "Oslo", "unit": "c"}""", """{"city": "Oslo", "unit": "f", "days": 3}""");
        SchemaCheck.StricterThanSchema(Weather, """{"unit": "c", "city": "Oslo"}""", """{"city": "Oslo", "days": 3, "unit": "c"}""");
    }

    [Fact]
    public void ObjectRejectsMissingRequiredKeysExtraKeysAndWrongValues()
    {
        SchemaCheck.Rejects(
            Weather,
            """{"city": "Oslo"}""",
            """{"city": "Oslo", "unit": "c", "wind": 1}""",
            """{"city": "Oslo", "unit": "k"}""",
            """{"city": 5, "unit": "c"}""",
            """{"city": "Oslo", "unit": "c", "days": "3"}""",
            "[]");
    }

    [Fact]
    public void ObjectWithOnlyOptionalKeysTakesAnySubsetInOrder()
    {
        const string Schema = """{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer"},"c":{"type":"integer"}},"additionalProperties":false}""";

        SchemaCheck.Accepts(Schema, "{}", """{"b": 2}""", """{"a": 1, "c": 3}""", """{"a": 1, "b": 2, "c": 3}""", """{"c": 3}""");
        SchemaCheck.Rejects(Schema, """{"d": 4}""", """{"a": "1"}""");
        SchemaCheck.StricterThanSchema(Schema, """{"c": 3, "a": 1}""");
        Assert.False(GrammarAcceptance.Accepts(SchemaCheck.Grammar(Schema), """{, "a": 1}"""));
        Assert.False(GrammarAcceptance.Accepts(SchemaCheck.Grammar(Schema), """{"a": 1,}"""));
    }

    [Fact]
    public void AbsentAdditionalPropertiesAllowsNoOtherKeys()
    {
        const string Schema = """{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}""";

        SchemaCheck.Accepts(Schema, """{"a": "x"}""");
        SchemaCheck.StricterThanSchema(Schema, """{"a": "x", "b": 1}""");
    }

    [Fact]
    public void AdditionalPropertiesTrueOrASchemaAllowsMoreKeysAfterTheDeclaredOnes()
    {
        const string AnyExtra = """{"type":"object","properties":{"a":{"type":"string"}},"required":["a"],"additionalProperties":true}""";
        const string NumberExtra = """{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":{"type":"number"}}""";

        SchemaCheck.Accepts(AnyExtra, """{"a": "x"}""", """{"a": "x", "b": [1], "c": {}}""");
        SchemaCheck.Rejects(AnyExtra, """{"b": 1}""");
        SchemaCheck.Accepts(NumberExtra, "{}", """{"a": "x", "n": 1.5}""", """{"n": 1, "m": 2}""");
        SchemaCheck.Rejects(NumberExtra, """{"a": "x", "n": "1"}""");
    }

    [Fact]
    public void ObjectWithoutPropertiesIsAnyObject()
    {
        SchemaCheck.Accepts("""{"type":"object"}""", "{}", """{"k": [1, {"z": null}]}""");
        SchemaCheck.Rejects("""{"type":"object"}""", "[]", "\"{}\"");
        SchemaCheck.Accepts("""{"type":"object","additionalProperties":false}""", "{}");
        SchemaCheck.Rejects("""{"type":"object","additionalProperties":false}""", """{"k": 1}""");
    }

    [Fact]
    public void NestedObjectsAndKeysNeedingEscapes()
    {
        const string Schema = """
            {"type":"object","properties":{"say \"hi\"":{"type":"object","properties":{"x":{"type":"boolean"}},"required":["x"],"additionalProperties":false}},
             "required":["say \"hi\""],"additionalProperties":false}
            """;

        SchemaCheck.Accepts(Schema, """{"say \"hi\"": {"x": true}}""");
        SchemaCheck.Rejects(Schema, """{"say \"hi\"": {}}""", """{"say hi": {"x": true}}""");
    }

    [Fact]
    public void EnumAcceptsExactlyItsValuesOfAnyKind()
    {
        const string Schema = """{"enum":["red", 42, null, true, {"k":[1,"two"]}, []]}""";

        SchemaCheck.Accepts(Schema, "\"red\"", "42", "null", "true", """{"k": [1, "two"]}""", "[]");
        SchemaCheck.Rejects(Schema, "\"blue\"", "43", "false", """{"k": [1]}""", "[null]");
    }

    [Fact]
    public void EnumWithAMatchingTypeIsAccepted()
    {
        SchemaCheck.Accepts("""{"type":"string","enum":["a","b"]}""", "\"a\"", "\"b\"");
        SchemaCheck.Rejects("""{"type":"string","enum":["a","b"]}""", "\"c\"");
    }

    [Fact]
    public void ConstAcceptsOnlyItsValue()
    {
        SchemaCheck.Accepts("""{"const":"get_weather"}""", "\"get_weather\"");
        SchemaCheck.Rejects("""{"const":"get_weather"}""", "\"get_time\"", "null");
        SchemaCheck.Accepts("""{"const":{"v":2}}""", """{"v": 2}""", """{"v":2}""");
        SchemaCheck.Rejects("""{"const":{"v":2}}""", """{"v": 3}""");
    }

    [Fact]
    public void ArrayItemsAndCountsAreEnforced()
    {
        const string Schema = """{"type":"array","items":{"type":"integer"},"minItems":1,"maxItems":3}""";

        SchemaCheck.Accepts(Schema, "[1]", "[1, 2]", "[1,2,3]");
        SchemaCheck.Rejects(Schema, "[]", "[1, 2, 3, 4]", "[\"1\"]", "[1, null]", "{}");
    }

    [Fact]
    public void ArrayWithoutCountsTakesAnyNumberOfItems()
    {
        SchemaCheck.Accepts("""{"type":"array","items":{"type":"string"}}""", "[]", "[\"a\"]", "[\"a\", \"b\", \"c\", \"d\", \"e\"]");
        SchemaCheck.Rejects("""{"type":"array","items":{"type":"string"}}""", "[1]", "[\"a\",]");
        SchemaCheck.Accepts("""{"type":"array"}""", "[]", "[1, \"x\", null]");
        SchemaCheck.Accepts("""{"type":"array","minItems":2}""", "[1, 2]", "[1, 2, 3]");
        SchemaCheck.Rejects("""{"type":"array","minItems":2}""", "[1]");
        SchemaCheck.Accepts("""{"type":"array","maxItems":0}""", "[]");
        SchemaCheck.Rejects("""{"type":"array","maxItems":0}""", "[1]");
    }

    [Fact]
    public void PrefixItemsFormATuple()
    {
        const string Closed = """{"type":"array","prefixItems":[{"type":"string"},{"type":"integer"}],"items":false}""";
        const string Open = """{"type":"array","prefixItems":[{"type":"string"}],"items":{"type":"boolean"}}""";

        SchemaCheck.Accepts(Closed, "[\"a\", 1]");
        SchemaCheck.Rejects(Closed, "[1, \"a\"]", "[\"a\", 1, 2]");
        SchemaCheck.StricterThanSchema(Closed, "[\"a\"]");
        SchemaCheck.Accepts(Open, "[\"a\"]", "[\"a\", true, false]");
        SchemaCheck.Rejects(Open, "[\"a\", 1]");
    }

    [Fact]
    public void AnyOfAndOneOfAreAlternatives()
    {
        foreach (var combinator in (string[])["anyOf", "oneOf"])
        {
            var schema = $$$"""{"{{{combinator}}}":[{"type":"string","maxLength":2},{"type":"object","properties":{"n":{"type":"integer"}},"required":["n"],"additionalProperties":false}]}""";

            SchemaCheck.Accepts(schema, "\"ab\"", """{"n": 1}""");
            SchemaCheck.Rejects(schema, "\"abc\"", "{}", "1");
        }
    }

    [Fact]
    public void AllOfWithOneSchemaIsThatSchema()
    {
        const string Schema = """{"allOf":[{"type":"integer","minimum":0}],"description":"count"}""";

        SchemaCheck.Accepts(Schema, "0", "12");
        SchemaCheck.Rejects(Schema, "-1", "\"1\"");
    }

    [Fact]
    public void RefsToDefsAndDefinitionsResolve()
    {
        const string Schema = """
            {"type":"object","properties":{"from":{"$ref":"#/$defs/place"},"to":{"$ref":"#/definitions/place"}},"required":["from","to"],
             "additionalProperties":false,
             "$defs":{"place":{"type":"string","minLength":1}},"definitions":{"place":{"enum":["home","work"]}}}
            """;

        SchemaCheck.Accepts(Schema, """{"from": "x", "to": "home"}""");
        SchemaCheck.Rejects(Schema, """{"from": "", "to": "home"}""", """{"from": "x", "to": "y"}""");
    }

    [Fact]
    public void RecursiveRefsMakeRecursiveRules()
    {
        const string Schema = """
            {"$ref":"#/$defs/node","$defs":{"node":{"type":"object","properties":{"name":{"type":"string"},
              "children":{"type":"array","items":{"$ref":"#/$defs/node"}}},"required":["name"],"additionalProperties":false}}}
            """;

        SchemaCheck.Accepts(
            Schema,
            """{"name": "a"}""",
            """{"name": "a", "children": [{"name": "b", "children": [{"name": "c", "children": []}]}, {"name": "d"}]}""");
        SchemaCheck.Rejects(Schema, """{"name": "a", "children": [{"children": []}]}""", """{"name": "a", "children": [1]}""");
    }

    [Fact]
    public void RefToTheRootRecurses()
    {
        const string Schema = """{"type":"object","properties":{"next":{"anyOf":[{"$ref":"#"},{"type":"null"}]}},"required":["next"],"additionalProperties":false}""";

        SchemaCheck.Accepts(Schema, """{"next": null}""", """{"next": {"next": {"next": null}}}""");
        SchemaCheck.Rejects(Schema, """{"next": {}}""", "{}");
    }
}
