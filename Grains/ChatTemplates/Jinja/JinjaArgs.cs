namespace Verge.Orleans.Grains.ChatTemplates.Jinja;

/// <summary>Evaluated call arguments: positional values and keyword values in call order.</summary>
internal sealed class JinjaArgs(IReadOnlyList<object?> positional, IReadOnlyList<KeyValuePair<string, object?>> named)
{
    public static readonly JinjaArgs Empty = new([], []);

    public IReadOnlyList<object?> Positional { get; } = positional;

    public IReadOnlyList<KeyValuePair<string, object?>> Named { get; } = named;

    /// <summary>The argument at <paramref name="position"/> or named <paramref name="name"/>, else the fallback.</summary>
    public object? Get(int position, string name, object? fallback = null)
    {
        foreach (var pair in Named)
        {
            if (pair.Key == name)
            {
                return pair.Value;
            }
        }

        return position >= 0 && position < Positional.Count ? Positional[position] : fallback;
    }

    public bool Has(int position, string name)
    {
        foreach (var pair in Named)
        {
            if (pair.Key == name)
            {
                return true;
            }
        }

        return position >= 0 && position < Positional.Count;
    }
}
