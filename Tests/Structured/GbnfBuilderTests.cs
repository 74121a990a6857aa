using System.Text.Json;
using Verge.Orleans.Grains.Structured;

namespace Verge.Orleans.Tests.Structured;

public sealed class GbnfBuilderTests
{
    private const string CitySchema = """
        {"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"}},"required":["city"],"additionalProperties":false}
        """;

    [Fact]
    public void ObjectSchemaBuildsTheExpectedGrammar()
    {
        var grammar = SchemaCheck.Grammar(CitySchema);

        Assert.Equal(
            """
            root ::= answer
            string ::= "\"" char* "\"" space
            char ::= [^"\\\x7F\x00-\x1F] | [\\] (["\\/bfnrt] | "u" [0-9a-fA-F]{4})
            space ::= | " " | "\n" [ \t]{0,20}
            answer-city-kv ::= "\"city\"" space ":" space string
            integer ::= ("-"? integral-part) space
            integral-part ::= [0] | [1-9] [0-9]{0,15}
            answer-days-kv ::= "\"days\"" space ":" space integer
            answer-rest ::= ("," space answer-days-kv)?
            answer ::= "{" space answer-city-kv answer-rest "}" space

            """,
            grammar);
        Assert.True(GrammarAcceptance.IsValid(grammar));
    }

    [Fact]
    public void LlamaCppRefusesAMalformedGrammar()
    {
        Assert.False(GrammarAcceptance.IsValid("root ::= (\"a\""));
        Assert.False(GrammarAcceptance.IsValid("root ::= missing-rule"));
    }

    [Fact]
    public void SharedPrimitivesAreDefinedOnceAcrossSchemas()
    {
        var builder = new GbnfBuilder();
        var weather = builder.AddSchema(Parse(CitySchema), "weather");
        var time = builder.AddSchema(Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""), "time");
        builder.AddRule("root", $"{weather} | {time}");
        var grammar = builder.Build();

        Assert.Single(grammar.Split('\n'), line => line.StartsWith("string ::=", StringComparison.Ordinal));
        Assert.Single(grammar.Split('\n'), line => line.StartsWith("space ::=", StringComparison.Ordinal));
        Assert.True(GrammarAcceptance.Accepts(grammar, """{"city": "Oslo", "days": 3}"""));
        Assert.True(GrammarAcceptance.Accepts(grammar, """{"city": "Oslo"}"""));
    }

    [Fact]
    public void RuleNamesAreSanitizedHints()
    {
        var builder = new GbnfBuilder();

        Assert.Equal("get-weather-v2", builder.AddSchema(Parse(CitySchema), "Get Weather_v2"));
        Assert.Equal("get-weather-v2-1", builder.AddSchema(Parse(CitySchema.Replace("city", "town", StringComparison.Ordinal)), "get_weather v2"));
        Assert.Equal("schema", builder.AddSchema(Parse("""{"type":"object","properties":{"a":{"const":1}}}"""), "__"));
    }

    [Fact]
    public void LiteralQuotesAndEscapesText()
    {
        Assert.Equal("\"<tool_call>\"", GbnfBuilder.Literal("<tool_call>"));
        Assert.Equal("\"a\\\"b\\\\c\\nd\\te\\x01\"", GbnfBuilder.Literal("a\"b\\c\nd\te\u0001"));
    }

    [Fact]
    public void ToolCallWrapperAroundArgumentsIsAccepted()
    {
        var builder = new GbnfBuilder();
        var arguments = builder.AddSchema(Parse(CitySchema), "arguments");
        builder.AddRule("root", $"{GbnfBuilder.Literal("<tool_call>\n")} {arguments} {GbnfBuilder.Literal("</tool_call>")}");
        var grammar = builder.Build();

        Assert.True(GrammarAcceptance.Accepts(grammar, "<tool_call>\n{\"city\": \"Oslo\"}</tool_call>"));
        Assert.False(GrammarAcceptance.Accepts(grammar, "<tool_call>\n{\"city\": \"Oslo\"}"));
        Assert.False(GrammarAcceptance.Accepts(grammar, "{\"city\": \"Oslo\"}</tool_call>"));
    }

    [Fact]
    public void AnyObjectAcceptsObjectsOnly()
    {
        var builder = new GbnfBuilder();
        builder.AddRule("root", builder.AnyObject());
        var grammar = builder.Build();

        Assert.True(GrammarAcceptance.Accepts(grammar, """{"a": [1, 2.5e3, {"b": null}], "c": "d\"e", "f": true}"""));
        Assert.True(GrammarAcceptance.Accepts(grammar, "{}"));
        Assert.False(GrammarAcceptance.Accepts(grammar, "[1]"));
        Assert.False(GrammarAcceptance.Accepts(grammar, "{\"a\": 1"));
        Assert.False(GrammarAcceptance.Accepts(grammar, "{\"a\": 01}"));
    }

    [Fact]
    public void AnyValueAcceptsEveryKindOfJson()
    {
        var builder = new GbnfBuilder();
        builder.AddRule("root", builder.AnyValue());
        var grammar = builder.Build();

        foreach (var value in (string[])["null", "true", "-0.5", "\"x\"", "[]", "{\"a\": {}}"])
        {
            Assert.True(GrammarAcceptance.Accepts(grammar, value), value);
        }

        Assert.False(GrammarAcceptance.Accepts(grammar, "nul"));
    }

    [Fact]
    public void BuildWithoutRootThrows()
    {
        var builder = new GbnfBuilder();
        builder.AnyValue();

        var error = Assert.Throws<InvalidOperationException>(builder.Build);
        Assert.Contains("root", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddRuleRefusesNamesGbnfCannotHold()
    {
        Assert.Throws<ArgumentException>(() => new GbnfBuilder().AddRule("my_rule", "\"a\""));
    }

    [Fact]
    public void AddRuleReplacesAnEarlierBody()
    {
        var builder = new GbnfBuilder();
        builder.AddRule("root", "\"a\"");
        builder.AddRule("root", "\"b\"");

        Assert.Equal("root ::= \"b\"\n", builder.Build());
    }

    [Fact]
    public void GrammarGrowsLinearlyWithOptionalProperties()
    {
        var properties = string.Join(",", Enumerable.Range(0, 60).Select(i => $"\"p{i}\":{{\"type\":\"integer\"}}"));
        var grammar = SchemaCheck.Grammar($"{{\"type\":\"object\",\"properties\":{{{properties}}},\"additionalProperties\":false}}");

        // Each property costs a key-value rule, a rest rule and one alternative: about 150 characters.
        Assert.InRange(grammar.Length, 1, 60 * 150 + 1000);
        Assert.True(GrammarAcceptance.Accepts(grammar, """{"p3": 1, "p59": 2}"""));
        Assert.False(GrammarAcceptance.Accepts(grammar, """{"p59": 2, "p3": 1}"""));
    }

    [Fact]
    public void WhitespaceBetweenTokensIsBounded()
    {
        var grammar = SchemaCheck.Grammar(CitySchema);

        Assert.True(GrammarAcceptance.Accepts(grammar, "{\n  \"city\" : \"Oslo\",\n  \"days\": 2\n}"));
        Assert.True(GrammarAcceptance.Accepts(grammar, "{\"city\":\n" + new string(' ', 20) + "\"Oslo\"}"));
        Assert.False(GrammarAcceptance.Accepts(grammar, "{\"city\":\n" + new string(' ', 21) + "\"Oslo\"}"));
        Assert.False(GrammarAcceptance.Accepts(grammar, "{\"city\":  \"Oslo\"}"));
    }

    private static JsonElement Parse(string json)
    {
        return JsonDocument.Parse(json).RootElement;
    }
}
