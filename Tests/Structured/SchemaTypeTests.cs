namespace Verge.Orleans.Tests.Structured;

/// <summary>Types, strings and numbers: what the grammar accepts matches a JSON Schema validator.</summary>
public sealed class SchemaTypeTests
{
    [Fact]
    public void StringAcceptsEscapesAndUnicodeButNotOtherTypes()
    {
        const string Schema = """{"type":"string"}""";

        SchemaCheck.Accepts(Schema, "\"\"", "\"plain\"", """ "a\"b\\c\n\u00e9\/" """.Trim(), "\"héllo wörld ✓\"");
        SchemaCheck.Rejects(Schema, "1", "null", "true", "[]", "{}");
    }

    [Fact]
    public void StringRejectsRawControlCharactersAndBadEscapes()
    {
        var grammar = SchemaCheck.Grammar("""{"type":"string"}""");

        Assert.False(GrammarAcceptance.Accepts(grammar, "\"a\nb\""));
        Assert.False(GrammarAcceptance.Accepts(grammar, "\"a\\qb\""));
        Assert.False(GrammarAcceptance.Accepts(grammar, "\"a\\u12\""));
        Assert.False(GrammarAcceptance.Accepts(grammar, "\"open"));
    }

    [Fact]
    public void IntegerAcceptsWholeNumbersOnly()
    {
        const string Schema = """{"type":"integer"}""";

        SchemaCheck.Accepts(Schema, "0", "-7", "1234567890123456");
        SchemaCheck.Rejects(Schema, "1.5", "\"1\"", "null");
    }

    [Fact]
    public void NumberAcceptsFractionsAndExponents()
    {
        const string Schema = """{"type":"number"}""";

        SchemaCheck.Accepts(Schema, "0", "-7", "3.25", "1e10", "-2.5E-3");
        SchemaCheck.Rejects(Schema, "\"1\"", "true", "[1]");
        Assert.False(GrammarAcceptance.Accepts(SchemaCheck.Grammar(Schema), "01"));
        Assert.False(GrammarAcceptance.Accepts(SchemaCheck.Grammar(Schema), "1."));
    }

    [Fact]
    public void BooleanAndNullAcceptTheirLiterals()
    {
        SchemaCheck.Accepts("""{"type":"boolean"}""", "true", "false");
        SchemaCheck.Rejects("""{"type":"boolean"}""", "null", "0", "\"true\"");
        SchemaCheck.Accepts("""{"type":"null"}""", "null");
        SchemaCheck.Rejects("""{"type":"null"}""", "false", "\"null\"", "{}");
    }

    [Fact]
    public void ArrayOfTypesMakesANullableValue()
    {
        const string Schema = """{"type":["string","null"]}""";

        SchemaCheck.Accepts(Schema, "\"x\"", "null");
        SchemaCheck.Rejects(Schema, "1", "false", "[]");
    }

    [Fact]
    public void TrueAndEmptySchemasAcceptAnyValue()
    {
        foreach (var schema in (string[])["true", "{}", """{"description":"anything"}"""])
        {
            SchemaCheck.Accepts(schema, "null", "1.5", "\"s\"", "[1, {\"a\": []}]", "{\"k\": false}");
        }
    }

    [Fact]
    public void AnnotationsAreIgnored()
    {
        const string Schema = """
            {"$schema":"https://json-schema.org/draft/2020-12/schema","$comment":"c","title":"T","description":"d",
             "type":"string","default":"x","examples":["y"]}
            """;

        SchemaCheck.Accepts(Schema, "\"z\"");
        SchemaCheck.Rejects(Schema, "1");
    }

    [Fact]
    public void StringLengthLimitsAreEnforced()
    {
        const string Schema = """{"type":"string","minLength":2,"maxLength":4}""";

        SchemaCheck.Accepts(Schema, "\"ab\"", "\"abcd\"", "\"\\n\\u0041é\"");
        SchemaCheck.Rejects(Schema, "\"a\"", "\"abcde\"", "\"\"");
    }

    [Fact]
    public void StringMinimumLengthAloneHasNoUpperLimit()
    {
        const string Schema = """{"type":"string","minLength":3}""";

        SchemaCheck.Accepts(Schema, "\"abc\"", "\"" + new string('x', 50) + "\"");
        SchemaCheck.Rejects(Schema, "\"ab\"");
    }

    [Theory]
    [InlineData("date", "\"2026-11-30\"", "\"2026-13-01\"")]
    [InlineData("time", "\"23:59:07Z\"", "\"24:00:00Z\"")]
    [InlineData("time", "\"08:30:00.125+01:00\"", "\"8:30:00Z\"")]
    [InlineData("date-time", "\"2026-11-30T03:31:53Z\"", "\"2026-11-30\"")]
    [InlineData("date-time", "\"2026-11-30T03:31:53.5-05:30\"", "\"2026-11-30T03:31Z\"")]
    [InlineData("uuid", "\"3f2504e0-4f89-11d3-9a0c-0305e82c3301\"", "\"3f2504e0-4f89-11d3-9a0c-0305e82c330\"")]
    public void StringFormatsFollowTheirPatterns(string format, string valid, string invalid)
    {
        var schema = $$"""{"type":"string","format":"{{format}}"}""";

        SchemaCheck.Accepts(schema, valid);
        SchemaCheck.Rejects(schema, invalid, "5");
    }

    [Fact]
    public void IntegerRangeIsEnforcedExactly()
    {
        const string Schema = """{"type":"integer","minimum":-15,"maximum":123}""";

        SchemaCheck.Accepts(Schema, "-15", "-9", "0", "7", "10", "99", "100", "123");
        SchemaCheck.Rejects(Schema, "-16", "-20", "124", "130", "200", "1000", "1.5");
    }

    [Fact]
    public void IntegerRangesMatchAValidatorOnEveryValueNearTheBounds()
    {
        foreach (var (lo, hi) in (ReadOnlySpan<(int, int)>)[(0, 0), (1, 9), (5, 2047), (-300, -12), (-1, 1), (17, 17)])
        {
            var schema = $$"""{"type":"integer","minimum":{{lo}},"maximum":{{hi}}}""";
            var grammar = SchemaCheck.Grammar(schema);
            foreach (var n in Enumerable.Range(lo - 25, 50).Concat(Enumerable.Range(hi - 25, 50)))
            {
                Assert.True(GrammarAcceptance.Accepts(grammar, $"{n}") == (n >= lo && n <= hi), $"{n} in [{lo}, {hi}]:\n{grammar}");
            }
        }
    }

    [Fact]
    public void IntegerMinimumZeroForbidsTheMinusSign()
    {
        const string Schema = """{"type":"integer","minimum":0}""";

        SchemaCheck.Accepts(Schema, "0", "1", "98765");
        SchemaCheck.Rejects(Schema, "-1", "-0.5");
        Assert.False(GrammarAcceptance.Accepts(SchemaCheck.Grammar(Schema), "-0"));
    }

    [Fact]
    public void IntegerOneSidedAndExclusiveBoundsAreEnforced()
    {
        SchemaCheck.Accepts("""{"type":"integer","minimum":10}""", "10", "11", "99", "100", "123456");
        SchemaCheck.Rejects("""{"type":"integer","minimum":10}""", "9", "0", "-10");
        SchemaCheck.Accepts("""{"type":"integer","maximum":-3}""", "-3", "-4", "-10", "-500");
        SchemaCheck.Rejects("""{"type":"integer","maximum":-3}""", "-2", "0", "3");
        SchemaCheck.Accepts("""{"type":"integer","exclusiveMinimum":0,"exclusiveMaximum":10}""", "1", "9");
        SchemaCheck.Rejects("""{"type":"integer","exclusiveMinimum":0,"exclusiveMaximum":10}""", "0", "10");
    }

    [Fact]
    public void NumberMinimumZeroForbidsTheMinusSign()
    {
        const string Schema = """{"type":"number","minimum":0}""";

        SchemaCheck.Accepts(Schema, "0", "0.5", "12e3");
        SchemaCheck.Rejects(Schema, "-0.5", "-3");
    }
}
