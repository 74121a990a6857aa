namespace Verge.Orleans.Grains.ChatTemplates.Jinja;

/// <summary>The state of one render: variable scopes and the runaway guards.</summary>
internal sealed class RenderContext
{
    public const int MaxIterations = 1_000_000;
    public const int MaxDepth = 200;

    private long iterations;
    private int depth;

    public RenderContext(string source, Scope globals)
    {
        Source = source;
        Scope = globals;
    }

    public string Source { get; }

    public Scope Scope { get; set; }

    public object? Lookup(string name)
    {
        for (var scope = Scope; scope is not null; scope = scope.Parent)
        {
            if (scope.Variables.TryGetValue(name, out var value))
            {
                return value;
            }
        }

        return JinjaGlobals.Functions.TryGetValue(name, out var function) ? function : JinjaUndefined.Instance;
    }

    public void CountIteration()
    {
        if (++iterations > MaxIterations)
        {
            throw new JinjaException($"template exceeded {MaxIterations} loop iterations");
        }
    }

    public void Enter()
    {
        if (++depth > MaxDepth)
        {
            throw new JinjaException($"template exceeded the nesting depth of {MaxDepth}");
        }
    }

    public void Leave() => depth--;
}

/// <summary>One level of variables; lookups fall through to the parent.</summary>
internal sealed class Scope(Scope? parent)
{
    public Scope? Parent { get; } = parent;

    public Dictionary<string, object?> Variables { get; } = new(StringComparer.Ordinal);
}
