using System.Text;
using System.Text.Json;
using Verge.Orleans.Gateway.Anthropic.Contracts;
using Verge.Orleans.Gateway.OpenAi;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.Anthropic;

/// <summary>
/// Turns <c>system</c> and <c>messages</c> into the conversation a worker renders. A user turn's
/// <c>tool_result</c> blocks become <c>tool</c> messages (ahead of its text, right after the calls they
/// answer); an assistant turn's <c>tool_use</c> blocks become its tool calls and its <c>thinking</c> its reasoning.
/// </summary>
internal static class AnthropicContentValidator
{
    public static IReadOnlyList<ChatMessage> Messages(JsonElement? system, List<AnthropicMessageBody?>? messages)
    {
        if (messages is null || messages.Count == 0)
        {
            throw Invalid("messages", messages is null ? "Field required" : "must contain at least one message");
        }

        var result = new List<ChatMessage>();
        if (system is { ValueKind: not JsonValueKind.Null } prompt && Text(prompt, "system") is { Length: > 0 } text)
        {
            result.Add(new ChatMessage("system", text));
        }

        var calls = new HashSet<string>();
        for (var i = 0; i < messages.Count; i++)
        {
            var param = $"messages.{i}";
            var message = messages[i] ?? throw Invalid(param, "must be an object with 'role' and 'content'");
            var content = message.Content ?? throw Invalid($"{param}.content", "Field required");
            switch (message.Role)
            {
                case "user":
                    result.AddRange(UserTurn(content, param, calls));
                    break;
                case "assistant":
                    var turn = AssistantTurn(content, param);
                    calls.UnionWith(turn.ToolCalls?.Select(c => c.Id) ?? []);
                    result.Add(turn);
                    break;
                default:
                    throw Invalid($"{param}.role", "must be 'user' or 'assistant'");
            }
        }

        return result;
    }

    private static IEnumerable<ChatMessage> UserTurn(JsonElement content, string param, HashSet<string> calls)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            return [new ChatMessage("user", content.GetString()!)];
        }

        var results = new List<ChatMessage>();
        var text = new StringBuilder();
        foreach (var (block, type, blockParam) in Blocks(content, $"{param}.content"))
        {
            switch (type)
            {
                case "text":
                    text.Append(String(block, "text", blockParam));
                    break;
                case "tool_result":
                    var id = String(block, "tool_use_id", blockParam);
                    if (!calls.Contains(id))
                    {
                        throw Invalid($"{blockParam}.tool_use_id", $"'{id}' does not answer any tool_use block of an earlier assistant message");
                    }

                    var output = block.TryGetProperty("content", out var value) && value.ValueKind != JsonValueKind.Null ? Text(value, $"{blockParam}.content") : "";
                    var failed = block.TryGetProperty("is_error", out var error) && error.ValueKind == JsonValueKind.True;
                    results.Add(new ChatMessage("tool", failed ? "Error: " + output : output) { ToolCallId = id });
                    break;
                default:
                    throw Unsupported(type, blockParam, "'text' and 'tool_result'");
            }
        }

        if (text.Length > 0 || results.Count == 0)
        {
            results.Add(new ChatMessage("user", text.ToString()));
        }

        return results;
    }

    private static ChatMessage AssistantTurn(JsonElement content, string param)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            return new ChatMessage("assistant", content.GetString()!);
        }

        var (text, reasoning, calls) = (new StringBuilder(), new StringBuilder(), new List<ToolCall>());
        foreach (var (block, type, blockParam) in Blocks(content, $"{param}.content"))
        {
            switch (type)
            {
                case "text":
                    text.Append(String(block, "text", blockParam));
                    break;
                case "thinking":
                    reasoning.Append(String(block, "thinking", blockParam));
                    break;
                case "redacted_thinking":
                    break;
                case "tool_use":
                    var id = String(block, "id", blockParam);
                    var name = ChatRequestValidator.FunctionName(String(block, "name", blockParam), $"{blockParam}.name");
                    if (!block.TryGetProperty("input", out var input) || input.ValueKind != JsonValueKind.Object)
                    {
                        throw Invalid($"{blockParam}.input", "must be an object");
                    }

                    calls.Add(new ToolCall(id, name, input.GetRawText()));
                    break;
                default:
                    throw Unsupported(type, blockParam, "'text', 'thinking', 'redacted_thinking' and 'tool_use'");
            }
        }

        return new ChatMessage("assistant", text.ToString())
        {
            ToolCalls = calls.Count > 0 ? calls : null,
            Reasoning = reasoning.Length > 0 ? reasoning.ToString() : null,
        };
    }

    /// <summary>A string, or an array of <c>text</c> blocks joined (system prompts, tool results).</summary>
    private static string Text(JsonElement value, string param)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString()!;
        }

        var text = new StringBuilder();
        foreach (var (block, type, blockParam) in Blocks(value, param))
        {
            text.Append(type == "text" ? String(block, "text", blockParam) : throw Unsupported(type, blockParam, "'text'"));
        }

        return text.ToString();
    }

    private static IEnumerable<(JsonElement Block, string Type, string Param)> Blocks(JsonElement content, string param)
    {
        if (content.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(param, "must be a string or an array of content blocks");
        }

        var index = 0;
        foreach (var block in content.EnumerateArray())
        {
            var blockParam = $"{param}.{index++}";
            if (block.ValueKind != JsonValueKind.Object || !block.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                throw Invalid(blockParam, "must be a content block object with a 'type'");
            }

            yield return (block, type.GetString()!, blockParam);
        }
    }

    private static string String(JsonElement block, string field, string param) =>
        block.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw Invalid($"{param}.{field}", "must be a string");

    private static RequestValidationException Unsupported(string type, string param, string accepted) =>
        new($"{param}.type: '{type}' blocks are not supported here; this server takes {accepted}", $"{param}.type", "unsupported_parameter");

    private static RequestValidationException Invalid(string param, string problem) => MessagesRequestValidator.Invalid(param, problem);
}
