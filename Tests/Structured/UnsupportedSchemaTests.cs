using System.Text.Json;
using Verge.Orleans.Grains.Structured;

namespace Verge.Orleans.Tests.Structured;

public sealed class UnsupportedSchemaTests
{
    [Theory]
    [InlineData("""{"type":"string","pattern":"^a+$"}""", "pattern", "pattern")]
    [InlineData("""{"type":"object","properties":{"city":{"type":"string","pattern":"x"}}}""", "properties.city.pattern", "pattern")]
    [InlineData("""{"type":"object","patternProperties":{"^a":{}}}""", "patternProperties", "patternProperties")]
    [InlineData("""{"not":{"type":"null"}}""", "not", "not")]
    [InlineData("""{"if":{"type":"string"},"then":{"minLength":1}}""", "if", "if")]
    [InlineData("""{"type":"object","dependentSchemas":{"a":{}}}""", "dependentSchemas", "dependentSchemas")]
    [InlineData("""{"type":"array","items":{"type":"integer"},"uniqueItems":true}""", "uniqueItems", "uniqueItems")]
    [InlineData("""{"type":"integer","multipleOf":5}""", "multipleOf", "multipleOf")]
    [InlineData("""{"type":"object","minProperties":1}""", "minProperties", "minProperties")]
    [InlineData("""{"type":"array","items":{"type":"object","properties":{"a":{"contains":{}}}}}""", "items.properties.a.contains", "contains")]
    [InlineData("""{"anyOf":[{"type":"string"},{"type":"string","not":{}}]}""", "anyOf.1.not", "not")]
    [InlineData("""{"type":"array","prefixItems":[{"type":"string","format":"email"}]}""", "prefixItems.0.format", "format")]
    [InlineData("""{"$ref":"#/$defs/a","$defs":{"a":{"type":"string","pattern":"x"}}}""", "$defs.a.pattern", "pattern")]
    [InlineData("""{"$ref":"https://example.com/person.json"}""", "$ref", "$ref")]
    [InlineData("""{"type":"object","properties":{"p":{"$ref":"other.json#/$defs/a"}}}""", "properties.p.$ref", "$ref")]
    [InlineData("""{"allOf":[{"type":"string"},{"maxLength":3}]}""", "allOf", "allOf")]
    [InlineData("""{"type":"number","maximum":10}""", "maximum", "maximum")]
    [InlineData("""{"type":"number","minimum":0.5}""", "minimum", "minimum")]
    [InlineData("""{"type":"string","maxLength":5000}""", "maxLength", "maxLength")]
    [InlineData("""{"type":"string","format":"date","maxLength":10}""", "maxLength", "maxLength")]
    [InlineData("""{"type":"integer","minimum":1e20}""", "minimum", "minimum")]
    [InlineData("""{"minLength":1,"anyOf":[{"maxLength":3}]}""", "minLength", "minLength")]
    [InlineData("""{"$ref":"#/$defs/a","type":"string","$defs":{"a":{}}}""", "type", "type")]
    [InlineData("""{"type":"array","prefixItems":[{}],"minItems":1}""", "minItems", "minItems")]
    public void UnsupportedKeywordsThrowWithTheirPath(string schema, string path, string keyword)
    {
        var error = Assert.Throws<UnsupportedSchemaException>(() => SchemaCheck.Grammar(schema));

        Assert.Equal(path, error.Path);
        Assert.Equal(keyword, error.Keyword);
        Assert.Contains($"'{path}'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":5}""", "type", "type")]
    [InlineData("""{"type":"text"}""", "type", "type")]
    [InlineData("""{"type":[]}""", "type", "type")]
    [InlineData("""{"type":"object","properties":["a"]}""", "properties", "properties")]
    [InlineData("""{"type":"object","properties":{"a":{}},"required":"a"}""", "required", "required")]
    [InlineData("""{"type":"object","properties":{"a":{}},"required":[1]}""", "required", "required")]
    [InlineData("""{"type":"object","properties":{"a":{}},"required":["b"],"additionalProperties":false}""", "required", "required")]
    [InlineData("""{"type":"object","additionalProperties":"no"}""", "additionalProperties", "additionalProperties")]
    [InlineData("""{"type":"object","properties":{"a":{"$ref":"#/$defs/missing"}}}""", "properties.a.$ref", "$ref")]
    [InlineData("""{"$ref":5}""", "$ref", "$ref")]
    [InlineData("""{"enum":[]}""", "enum", "enum")]
    [InlineData("""{"type":"string","enum":["a",1]}""", "enum", "enum")]
    [InlineData("""{"type":"integer","const":1.5}""", "const", "const")]
    [InlineData("""{"anyOf":{}}""", "anyOf", "anyOf")]
    [InlineData("""{"type":"string","minLength":-1}""", "minLength", "minLength")]
    [InlineData("""{"type":"string","minLength":3,"maxLength":2}""", "minLength", "minLength")]
    [InlineData("""{"type":"array","minItems":"2"}""", "minItems", "minItems")]
    [InlineData("""{"type":"integer","minimum":5,"maximum":4}""", "minimum", "minimum")]
    [InlineData("""{"minLength":1,"minimum":1}""", "type", "type")]
    public void MalformedSchemasThrowNamingTheOffendingKeyword(string schema, string path, string keyword)
    {
        var error = Assert.Throws<UnsupportedSchemaException>(() => SchemaCheck.Grammar(schema));

        Assert.Equal(path, error.Path);
        Assert.Equal(keyword, error.Keyword);
    }

    [Theory]
    [InlineData("false", "")]
    [InlineData("""{"type":"object","properties":{"a":7}}""", "properties.a")]
    public void ValuesThatAreNotSchemasThrow(string schema, string path)
    {
        var error = Assert.Throws<UnsupportedSchemaException>(() => SchemaCheck.Grammar(schema));

        Assert.Equal(path, error.Path);
        Assert.Equal("schema", error.Keyword);
    }

    [Fact]
    public void MessageNamesTheKeyword()
    {
        var error = Assert.Throws<UnsupportedSchemaException>(() => new GbnfBuilder().AddSchema(JsonDocument.Parse("""{"type":"string","pattern":"a"}""").RootElement, "x"));

        Assert.Equal("The JSON Schema keyword 'pattern' is not supported for structured output. (at 'pattern')", error.Message);
    }
}
