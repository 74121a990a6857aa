namespace Verge.Orleans.Grains.Tools;

/// <summary>
/// How a model family writes tool calls in its output, recognised from its chat template as llama.cpp
/// does: the text that opens the calls, the text that closes them (or the end of the output), and the
/// body's shape. A call object holds the function's name and its arguments under <see cref="ArgumentsKey"/>.
/// </summary>
internal sealed record ToolCallFormat(string Name, string Open, string? Close, ToolCallBody Body, string ArgumentsKey = "arguments")
{
    /// <summary>ChatML/Qwen/Hermes: <c>&lt;tool_call&gt;{"name": ..., "arguments": ...}&lt;/tool_call&gt;</c>, one block per call.</summary>
    public static readonly ToolCallFormat Hermes = new("hermes", "<tool_call>", "</tool_call>", ToolCallBody.Object);

    /// <summary>Mistral: <c>[TOOL_CALLS][{"name": ..., "arguments": ...}, ...]</c> up to the end of the output.</summary>
    public static readonly ToolCallFormat Mistral = new("mistral", "[TOOL_CALLS]", null, ToolCallBody.Array);

    /// <summary>Phi-4: <c>&lt;|tool_call|&gt;[{"name": ..., "arguments": ...}]&lt;|/tool_call|&gt;</c>.</summary>
    public static readonly ToolCallFormat Phi = new("phi", "<|tool_call|>", "<|/tool_call|>", ToolCallBody.Array);

    /// <summary>Llama 3.x: a bare <c>{"name": ..., "parameters": ...}</c> object as the whole answer.</summary>
    public static readonly ToolCallFormat Llama3 = new("llama3", "", null, ToolCallBody.Object, ArgumentsKey: "parameters");

    /// <summary>Gemma and templates without a native format: a fenced <c>```tool_call</c> block holding a call object.</summary>
    public static readonly ToolCallFormat Generic = new("generic", "```tool_call\n", "\n```", ToolCallBody.Object);

    /// <summary>
    /// DeepSeek V3/R1: <c>&lt;｜tool▁calls▁begin｜&gt;</c>, then per call <c>&lt;｜tool▁call▁begin｜&gt;function&lt;｜tool▁sep｜&gt;NAME</c>
    /// and the arguments in a fenced json block closed by <c>&lt;｜tool▁call▁end｜&gt;</c>, then <c>&lt;｜tool▁calls▁end｜&gt;</c>.
    /// </summary>
    public static readonly ToolCallFormat DeepSeek = new("deepseek", "<｜tool▁calls▁begin｜>", "<｜tool▁calls▁end｜>", ToolCallBody.DeepSeek);

    /// <summary>DeepSeek's text before each call's name, and between the name and the arguments, and after them.</summary>
    public const string DeepSeekCallStart = "<｜tool▁call▁begin｜>function<｜tool▁sep｜>";

    public const string DeepSeekArgumentsStart = "\n```json\n";

    public const string DeepSeekCallEnd = "\n```<｜tool▁call▁end｜>";

    /// <summary>The format a chat template documents, by the markers its text contains (as llama.cpp detects them).</summary>
    public static ToolCallFormat Detect(string? template) => template switch
    {
        null => Hermes,
        _ when template.Contains("<tool_call>", StringComparison.Ordinal) => Hermes,
        _ when template.Contains("[TOOL_CALLS]", StringComparison.Ordinal) => Mistral,
        _ when template.Contains("<｜tool▁calls▁begin｜>", StringComparison.Ordinal) => DeepSeek,
        _ when template.Contains("<|tool_call|>", StringComparison.Ordinal) => Phi,
        _ when template.Contains("<|start_header_id|>", StringComparison.Ordinal) => Llama3,
        _ => Generic,
    };

    /// <summary>Calls start at the very beginning of the answer (no marker of their own).</summary>
    public bool Bare => Open.Length == 0;
}

/// <summary>What stands between a format's opening and closing text.</summary>
internal enum ToolCallBody
{
    /// <summary>One call object.</summary>
    Object,

    /// <summary>A JSON array of call objects.</summary>
    Array,

    /// <summary>DeepSeek's delimited calls (see <see cref="ToolCallFormat.DeepSeek"/>).</summary>
    DeepSeek,
}
