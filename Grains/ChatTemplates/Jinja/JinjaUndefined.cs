namespace Verge.Orleans.Grains.ChatTemplates.Jinja;

/// <summary>The value of a missing variable, attribute or item: falsy, renders as nothing.</summary>
internal sealed class JinjaUndefined
{
    public static readonly JinjaUndefined Instance = new();

    private JinjaUndefined()
    {
    }

    public override string ToString() => string.Empty;
}
