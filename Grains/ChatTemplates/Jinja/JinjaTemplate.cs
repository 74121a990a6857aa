using System.Text;

namespace Verge.Orleans.Grains.ChatTemplates.Jinja;

/// <summary>
/// A parsed Jinja2 chat template (the subset Hugging Face <c>tokenizer.chat_template</c>s use), rendered the way
/// transformers does: <c>trim_blocks</c> and <c>lstrip_blocks</c> on, undefined values silent, Python value semantics.
/// Parse once, render many times; a parsed template is immutable and safe to share between threads.
/// </summary>
public sealed class JinjaTemplate
{
    private readonly string source;
    private readonly IReadOnlyList<Node> body;
    private readonly HashSet<string> referenced;

    private JinjaTemplate(string source, IReadOnlyList<Node> body, HashSet<string> referenced)
    {
        this.source = source;
        this.body = body;
        this.referenced = referenced;
    }

    /// <summary>Parses template source; throws <see cref="JinjaException"/> with line and column on a syntax error.</summary>
    public static JinjaTemplate Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);

        // Jinja2 defaults: line endings become \n and one trailing newline is dropped (keep_trailing_newline=False).
        source = source.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        if (source.EndsWith('\n'))
        {
            source = source[..^1];
        }

        var tokens = new JinjaLexer(source).Tokenize();
        var parser = new JinjaParser(source, tokens);
        var body = parser.ParseTemplate();
        return new JinjaTemplate(source, body, parser.Referenced);
    }

    /// <summary>
    /// Renders with the given top-level variables; throws <see cref="JinjaException"/> on a render error,
    /// including <c>raise_exception("...")</c> called by the template (the message is the template's).
    /// </summary>
    public string Render(IReadOnlyDictionary<string, object?> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var globals = new Scope(null);
        foreach (var pair in variables)
        {
            globals.Variables[pair.Key] = JinjaValue.Normalize(pair.Value);
        }

        var context = new RenderContext(source, new Scope(globals));
        var output = new StringBuilder(source.Length * 2);
        try
        {
            Node.RenderAll(body, context, output);
        }
        catch (InsufficientExecutionStackException ex)
        {
            throw new JinjaException("template recursion too deep", ex);
        }

        return output.ToString();
    }

    /// <summary>True when the template's source reads the top-level variable <paramref name="name"/> anywhere.</summary>
    public bool References(string name) => referenced.Contains(name);
}
