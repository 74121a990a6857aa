using System.Text;
using System.Text.Json;
using Verge.Orleans.Gateway.OpenAi.Contracts;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.OpenAi;

/// <summary>Validates <c>messages</c>: roles, content as a string or text parts, tool calls and tool results.</summary>
internal static class ChatMessageValidator
{
    public static IReadOnlyList<ChatMessage> Messages(List<ChatMessageBody?>? messages)
    {
        if (messages is null || messages.Count == 0)
        {
            throw ChatRequestValidator.Invalid(messages is null ? "Missing required parameter: 'messages'." : "'messages' must be a non-empty array of message objects.", "messages");
        }

        return [.. messages.Select((message, i) => Message(message, $"messages[{i}]"))];
    }

    private static ChatMessage Message(ChatMessageBody? message, string param)
    {
        if (message is null)
        {
            throw ChatRequestValidator.Invalid($"'{param}' must be an object with 'role' and 'content'.", param);
        }

        var role = message.Role switch
        {
            "system" or "developer" => "system",
            "user" or "assistant" or "tool" => message.Role,
            _ => throw ChatRequestValidator.Invalid($"'{param}.role' must be one of 'system', 'developer', 'user', 'assistant' or 'tool'.", $"{param}.role"),
        };
        var content = Content(message.Content, $"{param}.content");
        var toolCalls = message.ToolCalls is { Count: > 0 } calls ? ToolCalls(calls, role, param) : null;
        if (content is null && role != "assistant")
        {
            throw ChatRequestValidator.Invalid($"'{param}.content' is required.", $"{param}.content");
        }

        if (role == "tool" && string.IsNullOrEmpty(message.ToolCallId))
        {
            throw ChatRequestValidator.Invalid($"'{param}.tool_call_id' is required on a tool message.", $"{param}.tool_call_id");
        }

        if (role != "assistant" && (message.ReasoningContent ?? message.Reasoning) is not null)
        {
            throw ChatRequestValidator.Invalid($"Only assistant messages carry reasoning ('{param}').", $"{param}.reasoning_content");
        }

        return new ChatMessage(role, content ?? "")
        {
            Name = message.Name,
            ToolCalls = toolCalls,
            ToolCallId = role == "tool" ? message.ToolCallId : null,
            Reasoning = message.ReasoningContent ?? message.Reasoning,
        };
    }

    private static string? Content(JsonElement? value, string param)
    {
        switch (value?.ValueKind)
        {
            case null or JsonValueKind.Null:
                return null;
            case JsonValueKind.String:
                return value.Value.GetString();
            case JsonValueKind.Array:
                var text = new StringBuilder();
                var index = 0;
                foreach (var part in value.Value.EnumerateArray())
                {
                    var partParam = $"{param}[{index++}]";
                    if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
                    {
                        throw ChatRequestValidator.Invalid($"'{partParam}' must be a content part object with a 'type'.", partParam);
                    }

                    if (type.GetString() != "text")
                    {
                        throw new RequestValidationException(
                            $"'{partParam}.type' '{type.GetString()}' is not supported: this server takes text parts only.", $"{partParam}.type", "unsupported_parameter");
                    }

                    if (!part.TryGetProperty("text", out var partText) || partText.ValueKind != JsonValueKind.String)
                    {
                        throw ChatRequestValidator.Invalid($"'{partParam}.text' must be a string.", $"{partParam}.text");
                    }

                    text.Append(partText.GetString());
                }

                return text.ToString();
            default:
                throw ChatRequestValidator.Invalid($"'{param}' must be a string or an array of text parts.", param);
        }
    }

    private static IReadOnlyList<ToolCall> ToolCalls(List<ToolCallBody?> calls, string role, string param)
    {
        if (role != "assistant")
        {
            throw ChatRequestValidator.Invalid($"Only assistant messages carry 'tool_calls' ('{param}').", $"{param}.tool_calls");
        }

        var result = new List<ToolCall>();
        for (var i = 0; i < calls.Count; i++)
        {
            var callParam = $"{param}.tool_calls[{i}]";
            var call = calls[i] ?? throw ChatRequestValidator.Invalid($"'{callParam}' must be an object.", callParam);
            if (string.IsNullOrEmpty(call.Id))
            {
                throw ChatRequestValidator.Invalid($"'{callParam}.id' is required.", $"{callParam}.id");
            }

            if (call.Type is not (null or "function"))
            {
                throw ChatRequestValidator.Invalid($"'{callParam}.type' must be 'function'.", $"{callParam}.type");
            }

            var function = call.Function ?? throw ChatRequestValidator.Invalid($"'{callParam}.function' is required.", $"{callParam}.function");
            var name = ChatRequestValidator.FunctionName(function.Name, $"{callParam}.function.name");
            var arguments = function.Arguments switch
            {
                { ValueKind: JsonValueKind.String } text => text.GetString()!,
                { ValueKind: JsonValueKind.Object } json => json.GetRawText(),
                _ => throw ChatRequestValidator.Invalid($"'{callParam}.function.arguments' must be a JSON text.", $"{callParam}.function.arguments"),
            };
            result.Add(new ToolCall(call.Id, name, arguments));
        }

        return result;
    }
}
