namespace Verge.Orleans.Grains.ChatTemplates.Jinja;

/// <summary>Something a template can call: a global function, a bound method or a macro.</summary>
internal sealed class JinjaCallable(string name, Func<RenderContext, JinjaArgs, object?> invoke)
{
    public string Name { get; } = name;

    public object? Invoke(RenderContext context, JinjaArgs args) => invoke(context, args);
}
