using System.Text.Json;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Structured;

namespace Verge.Orleans.Grains.Tools;

/// <summary>
/// The grammar a request's output must follow: tool calls in the model family's format (forced by
/// <c>required</c> or a named function; engaged lazily by the call's opening token with <c>auto</c>), a
/// response format (any JSON object, a JSON Schema), or the caller's own GBNF; with both tools and a
/// response format the answer is either calls or the formatted answer.
/// </summary>
internal static class OutputGrammar
{
    /// <summary>The GBNF (null when the output is free) and the tokens that engage it lazily (empty: engaged from the start of the content).</summary>
    public static (string? Grammar, IReadOnlyList<int> Triggers) For(GenerationRequest request, ToolCallFormat format, Func<string, int?> singleToken)
    {
        var choice = request.ToolChoice ?? (request.Tools.Count > 0 ? ToolChoice.Auto : ToolChoice.None);
        var tools = choice.Mode == ToolChoiceMode.None ? [] : request.Tools;
        if (request.Constraint is { Kind: OutputConstraintKind.Grammar } custom && tools.Count == 0)
        {
            return (custom.Text, []);
        }

        var builder = new GbnfBuilder();
        var answer = request.Constraint is { } constraint ? Answer(builder, constraint) : null;
        if (tools.Count == 0)
        {
            return answer is null ? (null, []) : (Root(builder, answer), []);
        }

        var calls = Calls(builder, format, choice.Mode == ToolChoiceMode.Function ? [.. tools.Where(t => t.Name == choice.Function)] : tools, request.Tools, request.ParallelToolCalls);
        if (choice.Mode is ToolChoiceMode.Required or ToolChoiceMode.Function)
        {
            return (Root(builder, calls), []);
        }

        if (answer is not null)
        {
            return (Root(builder, $"{calls} | {answer}"), []);
        }

        // auto: free text unless the model opens a call; without a single opening token the output is parsed, not constrained.
        return !format.Bare && singleToken(format.Open) is { } trigger ? (Root(builder, calls), [trigger]) : (null, []);
    }

    private static string Root(GbnfBuilder builder, string body)
    {
        builder.AddRule("root", body);
        return builder.Build();
    }

    private static string Answer(GbnfBuilder builder, OutputConstraint constraint) => constraint.Kind switch
    {
        OutputConstraintKind.JsonObject => builder.AnyObject(),
        OutputConstraintKind.JsonSchema => Schema(builder, constraint.Text!, "answer", "response_format"),
        _ => throw new ServingException(400, "invalid_value", "A 'grammar' cannot be combined with 'tools'; send one of them.", "grammar"),
    };

    private static string Calls(GbnfBuilder builder, ToolCallFormat format, IReadOnlyList<ToolDefinition> allowed, IReadOnlyList<ToolDefinition> declared, bool parallel)
    {
        var space = builder.Primitive("space");
        string Arguments(ToolDefinition tool) =>
            Schema(builder, tool.Parameters, tool.Name + "-arguments", $"tools[{IndexOf(declared, tool)}].function.parameters");
        var open = GbnfBuilder.Literal(format.Open);
        var close = format.Close is null ? "" : GbnfBuilder.Literal(format.Close);
        if (format.Body == ToolCallBody.DeepSeek)
        {
            var delimited = allowed.Select(tool => $"{GbnfBuilder.Literal(ToolCallFormat.DeepSeekCallStart + tool.Name + ToolCallFormat.DeepSeekArgumentsStart)} "
                + $"{Arguments(tool)} {GbnfBuilder.Literal(ToolCallFormat.DeepSeekCallEnd)}");
            var one = builder.AddRule("tool-call", string.Join(" | ", delimited.Select(a => $"({a})")));
            return builder.AddRule("tool-calls", $"{open} {one}{(parallel ? $" ({one})*" : "")} {close}");
        }

        var alternatives = allowed.Select(tool =>
            $"\"{{\" {space} \"\\\"name\\\"\" {space} \":\" {space} {GbnfBuilder.Literal(Quoted(tool.Name))} {space} \",\" {space} "
            + $"{GbnfBuilder.Literal($"\"{format.ArgumentsKey}\"")} {space} \":\" {space} {Arguments(tool)} \"}}\" {space}");
        var call = builder.AddRule("tool-call", string.Join(" | ", alternatives.Select(a => $"({a})")));
        if (format.Bare)
        {
            return call;
        }

        if (format.Body == ToolCallBody.Array)
        {
            var list = parallel ? $"\"[\" {space} {call} (\",\" {space} {call})* \"]\"" : $"\"[\" {space} {call} \"]\"";
            return builder.AddRule("tool-calls", $"{open} {space} {list} {space} {close}");
        }

        var block = builder.AddRule("tool-block", $"{open} {space} {call} {close}");
        return parallel ? builder.AddRule("tool-calls", $"{block} ({space} {block})*") : block;
    }

    private static string Schema(GbnfBuilder builder, string schema, string name, string param)
    {
        try
        {
            using var document = JsonDocument.Parse(schema);
            return builder.AddSchema(document.RootElement, name);
        }
        catch (UnsupportedSchemaException error)
        {
            var path = error.Path.Length == 0 ? param : $"{param}.{error.Path}";
            throw new ServingException(400, "unsupported_schema", $"'{path}': {error.Message}", path);
        }
    }

    private static int IndexOf(IReadOnlyList<ToolDefinition> tools, ToolDefinition tool) =>
        tools.Select((t, i) => (t, i)).First(p => p.t.Name == tool.Name).i;

    private static string Quoted(string text) => JsonSerializer.Serialize(text);
}
