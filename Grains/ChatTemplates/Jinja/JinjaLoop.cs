namespace Verge.Orleans.Grains.ChatTemplates.Jinja;

/// <summary>The <c>loop</c> variable inside a for loop.</summary>
internal sealed class JinjaLoop(IReadOnlyList<object?> items)
{
    public int Index0 { get; set; }

    public object? GetAttribute(string name) => name switch
    {
        "index" => (long)Index0 + 1,
        "index0" => (long)Index0,
        "revindex" => (long)(items.Count - Index0),
        "revindex0" => (long)(items.Count - Index0 - 1),
        "first" => Index0 == 0,
        "last" => Index0 == items.Count - 1,
        "length" => (long)items.Count,
        "depth" => 1L,
        "depth0" => 0L,
        "previtem" => Index0 > 0 ? items[Index0 - 1] : JinjaUndefined.Instance,
        "nextitem" => Index0 + 1 < items.Count ? items[Index0 + 1] : JinjaUndefined.Instance,
        "cycle" => new JinjaCallable("loop.cycle", (_, args) =>
            args.Positional.Count == 0 ? throw new JinjaException("no items for cycling given") : args.Positional[Index0 % args.Positional.Count]),
        "changed" => new JinjaCallable("loop.changed", (_, _) => throw new JinjaException("loop.changed is not supported")),
        _ => JinjaUndefined.Instance,
    };
}
