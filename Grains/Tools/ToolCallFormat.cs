namespace Verge.Orleans.Grains.Tools;

/// <summary>
/// How a model family writes tool calls in its output, recognised from its chat template as llama.cpp
/// does: the text that opens the calls, the text that closes them (or the end of the output), and
/// whether the body is one call object per block or an array of them. A call object holds the function's
/// name and its arguments under <see cref="ArgumentsKey"/>.
/// </summary>
internal sealed record ToolCallFormat(string Name, string Open, string? Close, bool ArrayBody, string ArgumentsKey = "arguments")
{
    /// <summary>ChatML/Qwen/Hermes: <c>&lt;tool_call&gt;{"name": ..., "arguments": ...}&lt;/tool_call&gt;</c>, one block per call.</summary>
    public static readonly ToolCallFormat Hermes = new("hermes", "<tool_call>", "</tool_call>", ArrayBody: false);

    /// <summary>Mistral: <c>[TOOL_CALLS][{"name": ..., "arguments": ...}, ...]</c> up to the end of the output.</summary>
    public static readonly ToolCallFormat Mistral = new("mistral", "[TOOL_CALLS]", null, ArrayBody: true);

    /// <summary>Phi-4: <c>&lt;|tool_call|&gt;[{"name": ..., "arguments": ...}]&lt;|/tool_call|&gt;</c>.</summary>
    public static readonly ToolCallFormat Phi = new("phi", "<|tool_call|>", "<|/tool_call|>", ArrayBody: true);

    /// <summary>Llama 3.x: a bare <c>{"name": ..., "parameters": ...}</c> object as the whole answer.</summary>
    public static readonly ToolCallFormat Llama3 = new("llama3", "", null, ArrayBody: false, ArgumentsKey: "parameters");

    /// <summary>Gemma and templates without a native format: a fenced <c>```tool_call</c> block holding a call object.</summary>
    public static readonly ToolCallFormat Generic = new("generic", "```tool_call\n", "\n```", ArrayBody: false);

    /// <summary>The format a chat template documents, by the markers its text contains (as llama.cpp detects them).</summary>
    public static ToolCallFormat Detect(string? template) => template switch
    {
        null => Hermes,
        _ when template.Contains("<tool_call>", StringComparison.Ordinal) => Hermes,
        _ when template.Contains("[TOOL_CALLS]", StringComparison.Ordinal) => Mistral,
        _ when template.Contains("<|tool_call|>", StringComparison.Ordinal) => Phi,
        _ when template.Contains("<|start_header_id|>", StringComparison.Ordinal) => Llama3,
        _ => Generic,
    };

    /// <summary>Calls start at the very beginning of the answer (no marker of their own).</summary>
    public bool Bare => Open.Length == 0;
}
