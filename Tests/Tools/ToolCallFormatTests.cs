using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Tools;
using Verge.Orleans.Tests.Structured;

namespace Verge.Orleans.Tests.Tools;

/// <summary>
/// Each family's tool-call format agrees with itself three ways: the format recognised from its template,
/// the parser reading a call written as the template writes it, and the grammar that forces a call.
/// </summary>
public sealed class ToolCallFormatTests
{
    private static readonly ToolDefinition Weather = new(
        "get_weather", "Current weather for a city.",
        """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}""");

    public static TheoryData<string, string, string> Families => new()
    {
        { "chatml-hermes.jinja", "hermes", "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>" },
        { "llama3.jinja", "llama3", "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}" },
        { "mistral.jinja", "mistral", "[TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}]" },
        { "deepseek.jinja", "deepseek", "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n```json\n{\"city\": \"Paris\"}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>" },
        { "gemma.jinja", "generic", "```tool_call\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n```" },
        { "phi.jinja", "phi", "<|tool_call|>[{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}]<|/tool_call|>" },
    };

    [Theory]
    [MemberData(nameof(Families))]
    public void TheTemplatesFormatIsRecognised(string template, string format, string _) =>
        Assert.Equal(format, ToolCallFormat.Detect(File.ReadAllText(Fixture(template))).Name);

    [Theory]
    [MemberData(nameof(Families))]
    public void ACallStreamedInPiecesParsesToOneCallAndNoText(string template, string _, string call)
    {
        var parser = new ToolCallParser(ToolCallFormat.Detect(File.ReadAllText(Fixture(template))));
        var (content, pieces) = ("", new List<ToolCallDelta>());
        foreach (var chunk in call.Chunk(3))
        {
            var (text, calls) = parser.Push(new string(chunk));
            (content, pieces) = (content + text, [.. pieces, .. calls]);
        }

        var (rest, last) = parser.Flush();
        pieces.AddRange(last);

        Assert.Equal("", content + rest);
        Assert.Equal("get_weather", pieces[0].Name);
        Assert.StartsWith("call_", pieces[0].Id);
        Assert.Equal("{\"city\": \"Paris\"}", string.Concat(pieces.Select(p => p.Arguments)));
        Assert.All(pieces, p => Assert.Equal(0, p.Index));
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void TheGrammarOfAForcedCallAcceptsTheCall(string template, string _, string call)
    {
        var request = new GenerationRequest { Messages = [], Tools = [Weather], ToolChoice = new ToolChoice(ToolChoiceMode.Function, "get_weather") };

        var (grammar, triggers) = OutputGrammar.For(request, ToolCallFormat.Detect(File.ReadAllText(Fixture(template))), _ => null);

        Assert.Empty(triggers);
        Assert.True(GrammarAcceptance.Accepts(grammar!, call), grammar);
        Assert.False(GrammarAcceptance.Accepts(grammar!, call.Replace("Paris", "Paris\", \"unit\": \"c", StringComparison.Ordinal)), "an undeclared argument");
    }

    [Fact]
    public void ArgumentsStreamAsTheyComeAndTheCallEndsWithItsObject()
    {
        var parser = new ToolCallParser(ToolCallFormat.Hermes);

        var (_, first) = parser.Push("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Pa");
        var (_, second) = parser.Push("ris \\\"}\" }");
        var (after, third) = parser.Push("}\n</tool_call> done");

        Assert.Equal([("get_weather", ""), (null, "{\"city\": \"Pa")], first.Select(p => (p.Name, p.Arguments)));
        Assert.Equal("ris \\\"}\" }", Assert.Single(second).Arguments);
        Assert.Empty(third);
        Assert.Equal(" done", after);
    }

    [Fact]
    public void TextAroundACallStaysContentAndAnUnparsableBlockIsGivenBack()
    {
        var parser = new ToolCallParser(ToolCallFormat.Hermes);

        var (before, calls) = parser.Push("Let me check. <tool_call>{\"name\": \"get_weather\", \"arguments\": {}}</tool_call><tool_call>not json</tool_call>");
        var (after, _) = parser.Flush();

        Assert.Equal("Let me check. <tool_call>not json</tool_call>", before + after);
        Assert.Equal("get_weather", calls[0].Name);
    }

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "ChatTemplates", "Fixtures", name);
}
