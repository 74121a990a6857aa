namespace Verge.Orleans.Grains.Structured;

/// <summary>The shared rules every translated schema builds on, each with the rules it needs.</summary>
internal static class GbnfPrimitives
{
    // Every value rule ends by consuming the whitespace after it; the amount is bounded so a model
    // cannot loop on whitespace forever.
    public static readonly IReadOnlyDictionary<string, (string Body, string[] Needs)> All = new Dictionary<string, (string, string[])>
    {
        ["space"] = ("| \" \" | \"\\n\" [ \\t]{0,20}", []),
        ["char"] = ("[^\"\\\\\\x7F\\x00-\\x1F] | [\\\\] ([\"\\\\/bfnrt] | \"u\" [0-9a-fA-F]{4})", []),
        ["string"] = ("\"\\\"\" char* \"\\\"\" space", ["char", "space"]),
        ["integral-part"] = ("[0] | [1-9] [0-9]{0,15}", []),
        ["decimal-part"] = ("[0-9]{1,16}", []),
        ["integer"] = ("(\"-\"? integral-part) space", ["integral-part", "space"]),
        ["number"] = ("(\"-\"? integral-part) (\".\" decimal-part)? ([eE] [-+]? integral-part)? space", ["integral-part", "decimal-part", "space"]),
        ["boolean"] = ("(\"true\" | \"false\") space", ["space"]),
        ["null"] = ("\"null\" space", ["space"]),
        ["value"] = ("object | array | string | number | boolean | null", ["object", "array", "string", "number", "boolean", "null"]),
        ["object"] = ("\"{\" space (string \":\" space value (\",\" space string \":\" space value)*)? \"}\" space", ["string", "space", "value"]),
        ["array"] = ("\"[\" space (value (\",\" space value)*)? \"]\" space", ["space", "value"]),
        ["date"] = ("[0-9]{4} \"-\" (\"0\" [1-9] | \"1\" [0-2]) \"-\" (\"0\" [1-9] | [1-2] [0-9] | \"3\" [0-1])", []),
        ["time"] = ("([01] [0-9] | \"2\" [0-3]) \":\" [0-5] [0-9] \":\" [0-5] [0-9] (\".\" [0-9]{1,9})? (\"Z\" | [+-] ([01] [0-9] | \"2\" [0-3]) \":\" [0-5] [0-9])", []),
        ["date-time"] = ("date \"T\" time", ["date", "time"]),
        ["uuid"] = ("[0-9a-fA-F]{8} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{12}", []),
    };
}
