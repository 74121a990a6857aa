using System.Text.Json;
using LLama;
using Microsoft.Extensions.Logging;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.ChatTemplates.Jinja;
using Verge.Orleans.Grains.Tools;

namespace Verge.Orleans.Grains.ChatTemplates;

/// <summary>
/// A model's own chat template (<c>tokenizer.chat_template</c>, Jinja), rendered as llama.cpp's server
/// does with <c>--jinja</c>: <c>messages</c> (with tool calls, tool results and reasoning), <c>tools</c>,
/// <c>add_generation_prompt</c>, <c>bos_token</c>, <c>eos_token</c> and the request's template arguments.
/// Text the user wrote is passed in as placeholders (see <see cref="PromptText"/>) so that it is later
/// tokenized apart from the template's own control tokens.
/// </summary>
internal sealed class ChatTemplate
{
    private readonly JinjaTemplate? _jinja;
    private readonly string _bos;
    private readonly string _eos;

    private ChatTemplate(string? source, JinjaTemplate? jinja, string bos, string eos)
    {
        Source = source;
        _jinja = jinja;
        _bos = bos;
        _eos = eos;
        ToolFormat = ToolCallFormat.Detect(source);
    }

    /// <summary>The template's text, or null when the file has none.</summary>
    public string? Source { get; }

    /// <summary>Why the Jinja template cannot be used (llama.cpp's built-in rendering serves instead), or null.</summary>
    public string? Unusable { get; private init; }

    /// <summary>How this model family writes tool calls.</summary>
    public ToolCallFormat ToolFormat { get; }

    /// <summary>The template turns thinking off itself when told <c>enable_thinking: false</c> (Qwen3 style).</summary>
    public bool ControlsThinking => _jinja?.References("enable_thinking") ?? false;

    public bool CanRender => _jinja is not null;

    /// <summary>The text of the vocabulary's beginning-of-sequence token, as templates print it.</summary>
    public string Bos => _bos;

    public static ChatTemplate For(LLamaWeights weights)
    {
        var source = weights.Metadata.GetValueOrDefault("tokenizer.chat_template");
        var vocab = weights.Vocab;
        var bos = vocab.BOS is { } b ? vocab.LLamaTokenToString(b, true) ?? "" : "";
        var eos = vocab.EOS is { } e ? vocab.LLamaTokenToString(e, true) ?? "" : "";
        if (string.IsNullOrEmpty(source))
        {
            return new ChatTemplate(null, null, bos, eos) { Unusable = "the model file has no chat template" };
        }

        try
        {
            return new ChatTemplate(source, JinjaTemplate.Parse(source), bos, eos);
        }
        catch (JinjaException error)
        {
            return new ChatTemplate(source, null, bos, eos) { Unusable = error.Message };
        }
    }

    /// <summary>Renders the conversation ending with the assistant's turn opened; throws <see cref="JinjaException"/> when the template fails.</summary>
    public string Render(IReadOnlyList<ChatMessage> messages, IReadOnlyList<ToolDefinition> tools, string? templateArguments, bool? enableThinking, PromptText text)
    {
        var variables = new Dictionary<string, object?>
        {
            ["messages"] = messages.Select(m => Message(m, text)).ToList(),
            ["add_generation_prompt"] = true,
            ["bos_token"] = _bos,
            ["eos_token"] = _eos,
        };
        if (tools.Count > 0)
        {
            variables["tools"] = tools.Select(Tool).ToList();
        }

        if (enableThinking is { } thinking)
        {
            variables["enable_thinking"] = thinking;
        }

        if (templateArguments is not null)
        {
            using var arguments = JsonDocument.Parse(templateArguments);
            foreach (var argument in arguments.RootElement.EnumerateObject())
            {
                variables[argument.Name] = JinjaValue.FromJson(argument.Value);
            }
        }

        return _jinja!.Render(variables);
    }

    private static Dictionary<string, object?> Message(ChatMessage message, PromptText text)
    {
        var result = new Dictionary<string, object?> { ["role"] = message.Role, ["content"] = text.Add(message.Content, message.Role == "assistant") };
        if (message.Name is { } name)
        {
            result["name"] = name;
        }

        if (message.ToolCalls is { Count: > 0 } calls)
        {
            result["tool_calls"] = calls.Select(Call).ToList();
        }

        if (message.ToolCallId is { } id)
        {
            result["tool_call_id"] = id;
        }

        if (message.Reasoning is { Length: > 0 } reasoning)
        {
            result["reasoning_content"] = text.Add(reasoning, byModel: true);
        }

        return result;
    }

    // Templates print arguments with tojson: hand them the object, as llama.cpp does.
    private static Dictionary<string, object?> Call(ToolCall call) => new()
    {
        ["id"] = call.Id,
        ["type"] = "function",
        ["function"] = new Dictionary<string, object?> { ["name"] = call.Name, ["arguments"] = Json(call.Arguments) ?? call.Arguments },
    };

    private static Dictionary<string, object?> Tool(ToolDefinition tool)
    {
        var function = new Dictionary<string, object?> { ["name"] = tool.Name };
        if (tool.Description is { } description)
        {
            function["description"] = description;
        }

        function["parameters"] = Json(tool.Parameters);
        return new Dictionary<string, object?> { ["type"] = "function", ["function"] = function };
    }

    private static object? Json(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return JinjaValue.FromJson(document.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
