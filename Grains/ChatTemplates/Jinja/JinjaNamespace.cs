namespace Verge.Orleans.Grains.ChatTemplates.Jinja;

/// <summary>The object made by <c>namespace(...)</c>: attributes that loop bodies may assign.</summary>
internal sealed class JinjaNamespace
{
    public JinjaDict Attributes { get; } = new();
}
