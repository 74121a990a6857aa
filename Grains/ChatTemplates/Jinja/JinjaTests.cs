namespace Verge.Orleans.Grains.ChatTemplates.Jinja;

/// <summary>The tests usable after <c>is</c>.</summary>
internal static class JinjaTests
{
    public delegate bool Test(RenderContext context, object? value, JinjaArgs args);

    private static readonly Dictionary<string, Test> All = new(StringComparer.Ordinal)
    {
        ["defined"] = (_, v, _) => v is not JinjaUndefined,
        ["undefined"] = (_, v, _) => v is JinjaUndefined,
        ["none"] = (_, v, _) => v is null,
        ["string"] = (_, v, _) => v is string,
        ["number"] = (_, v, _) => v is long or double or bool,
        ["integer"] = (_, v, _) => v is long,
        ["float"] = (_, v, _) => v is double,
        ["boolean"] = (_, v, _) => v is bool,
        ["true"] = (_, v, _) => v is true,
        ["false"] = (_, v, _) => v is false,
        ["mapping"] = (_, v, _) => v is IReadOnlyDictionary<string, object?> or JinjaNamespace,
        ["iterable"] = (_, v, _) => v is string or IReadOnlyList<object?> or IReadOnlyDictionary<string, object?> or JinjaUndefined,
        ["sequence"] = (_, v, _) => v is string or IReadOnlyList<object?> or IReadOnlyDictionary<string, object?> or JinjaUndefined,
        ["callable"] = (_, v, _) => v is JinjaCallable,
        ["even"] = (_, v, _) => JinjaOps.ToLong(v) % 2 == 0,
        ["odd"] = (_, v, _) => JinjaOps.ToLong(v) % 2 != 0,
        ["divisibleby"] = (_, v, a) => JinjaOps.ToLong(v) % JinjaOps.ToLong(a.Get(0, "num")) == 0,
        ["lower"] = (_, v, _) => v is string s && s == s.ToLowerInvariant(),
        ["upper"] = (_, v, _) => v is string s && s == s.ToUpperInvariant(),
        ["escaped"] = (_, _, _) => false,
        ["in"] = (_, v, a) => JinjaOps.Contains(a.Get(0, "seq"), v),
        ["sameas"] = (_, v, a) => Same(v, a.Get(0, "other")),
        ["eq"] = (_, v, a) => JinjaOps.AreEqual(v, a.Get(0, "b")),
        ["ne"] = (_, v, a) => !JinjaOps.AreEqual(v, a.Get(0, "b")),
        ["lt"] = (_, v, a) => JinjaOps.Compare(v, a.Get(0, "b")) < 0,
        ["le"] = (_, v, a) => JinjaOps.Compare(v, a.Get(0, "b")) <= 0,
        ["gt"] = (_, v, a) => JinjaOps.Compare(v, a.Get(0, "b")) > 0,
        ["ge"] = (_, v, a) => JinjaOps.Compare(v, a.Get(0, "b")) >= 0,
    };

    static JinjaTests()
    {
        All["equalto"] = All["=="] = All["eq"];
        All["!="] = All["ne"];
        All["lessthan"] = All["<"] = All["lt"];
        All["<="] = All["le"];
        All["greaterthan"] = All[">"] = All["gt"];
        All[">="] = All["ge"];
    }

    public static Test? Find(string name) => All.GetValueOrDefault(name);

    private static bool Same(object? a, object? b) => a switch
    {
        null => b is null,
        bool x => b is bool y && x == y,
        long x => b is long y && x == y,
        _ => ReferenceEquals(a, b),
    };
}
