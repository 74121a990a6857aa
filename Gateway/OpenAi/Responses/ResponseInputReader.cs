using System.Text;
using System.Text.Json;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.OpenAi.Responses;

/// <summary>
/// Reads <c>input</c> into chat messages: a string is one user message; in an array, messages (string
/// content or text parts), and the items of one assistant turn (<c>reasoning</c>, an assistant
/// <c>message</c>, <c>function_call</c>s) merge into one assistant message, so a replayed turn renders as
/// the model wrote it; a <c>function_call_output</c> becomes a tool message.
/// </summary>
internal sealed class ResponseInputReader
{
    private readonly List<ChatMessage> _messages = [];
    private readonly List<(string CallId, string Param)> _toolResults = [];
    private ChatMessage? _turn;

    public static (IReadOnlyList<ChatMessage> Messages, IReadOnlyList<(string CallId, string Param)> ToolResults) Read(JsonElement? input)
    {
        var reader = new ResponseInputReader();
        switch (input?.ValueKind)
        {
            case null or JsonValueKind.Null:
                throw ChatRequestValidator.Invalid("Missing required parameter: 'input'.", "input");
            case JsonValueKind.String:
                reader._messages.Add(new ChatMessage("user", input.Value.GetString()!));
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in input.Value.EnumerateArray())
                {
                    reader.Item(item, $"input[{index++}]");
                }

                reader.EndTurn();
                break;
            default:
                throw ChatRequestValidator.Invalid("'input' must be a string or an array of input items.", "input");
        }

        return reader._messages.Count == 0
            ? throw ChatRequestValidator.Invalid("'input' must not be empty.", "input")
            : (reader._messages, reader._toolResults);
    }

    private void Item(JsonElement item, string param)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw ChatRequestValidator.Invalid($"'{param}' must be an input item object.", param);
        }

        var type = OptionalString(item, "type", param) ?? "message";
        switch (type)
        {
            case "message":
                Message(item, param);
                break;
            case "reasoning":
                var reasoning = ReasoningText(item, param);
                Turn(t => t.Content.Length > 0 || t.ToolCalls is not null || t.Reasoning is not null, t => t with { Reasoning = reasoning });
                break;
            case "function_call":
                var call = new ToolCall(
                    RequiredString(item, "call_id", param),
                    ChatRequestValidator.FunctionName(RequiredString(item, "name", param), $"{param}.name"),
                    RequiredString(item, "arguments", param));
                Turn(_ => false, t => t with { ToolCalls = [.. t.ToolCalls ?? [], call] });
                break;
            case "function_call_output":
                EndTurn();
                var callId = RequiredString(item, "call_id", param);
                _toolResults.Add((callId, $"{param}.call_id"));
                var output = item.TryGetProperty("output", out var value) ? Text(value, $"{param}.output") : null;
                _messages.Add(new ChatMessage("tool", output ?? throw ChatRequestValidator.Invalid($"'{param}.output' is required.", $"{param}.output")) { ToolCallId = callId });
                break;
            default:
                throw new RequestValidationException(
                    $"'{param}.type' '{type}' is not supported: this server takes message, reasoning, function_call and function_call_output items.",
                    $"{param}.type", "unsupported_parameter");
        }
    }

    private void Message(JsonElement item, string param)
    {
        var role = OptionalString(item, "role", param) switch
        {
            "system" or "developer" => "system",
            "user" => "user",
            "assistant" => "assistant",
            _ => throw ChatRequestValidator.Invalid($"'{param}.role' must be one of 'system', 'developer', 'user' or 'assistant'.", $"{param}.role"),
        };
        var content = (item.TryGetProperty("content", out var value) ? Text(value, $"{param}.content") : null)
            ?? throw ChatRequestValidator.Invalid($"'{param}.content' is required.", $"{param}.content");
        if (role == "assistant")
        {
            Turn(t => t.Content.Length > 0 || t.ToolCalls is not null, t => t with { Content = content });
            return;
        }

        EndTurn();
        _messages.Add(new ChatMessage(role, content));
    }

    /// <summary>Adds to the assistant turn being read, or starts a new one when <paramref name="full"/> says this item cannot join it.</summary>
    private void Turn(Func<ChatMessage, bool> full, Func<ChatMessage, ChatMessage> add)
    {
        if (_turn is not null && full(_turn))
        {
            EndTurn();
        }

        _turn = add(_turn ?? new ChatMessage("assistant", ""));
    }

    private void EndTurn()
    {
        if (_turn is not null)
        {
            _messages.Add(_turn);
            _turn = null;
        }
    }

    /// <summary>A reasoning item's text: its <c>reasoning_text</c> content, else its summary.</summary>
    private static string ReasoningText(JsonElement item, string param)
    {
        foreach (var field in (string[])["content", "summary"])
        {
            if (item.TryGetProperty(field, out var parts) && parts.ValueKind == JsonValueKind.Array && parts.GetArrayLength() > 0)
            {
                return Text(parts, $"{param}.{field}")!;
            }
        }

        return "";
    }

    /// <summary>A string, or the text of an array of text parts (<c>input_text</c>, <c>output_text</c>, ...).</summary>
    private static string? Text(JsonElement value, string param)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.String:
                return value.GetString();
            case JsonValueKind.Array:
                var text = new StringBuilder();
                var index = 0;
                foreach (var part in value.EnumerateArray())
                {
                    var partParam = $"{param}[{index++}]";
                    var type = part.ValueKind == JsonValueKind.Object ? OptionalString(part, "type", partParam) : null;
                    if (type is null)
                    {
                        throw ChatRequestValidator.Invalid($"'{partParam}' must be a content part object with a 'type'.", partParam);
                    }

                    if (type is not ("input_text" or "output_text" or "text" or "reasoning_text" or "summary_text"))
                    {
                        throw new RequestValidationException(
                            $"'{partParam}.type' '{type}' is not supported: this server takes text parts only.", $"{partParam}.type", "unsupported_parameter");
                    }

                    text.Append(RequiredString(part, "text", partParam));
                }

                return text.ToString();
            default:
                throw ChatRequestValidator.Invalid($"'{param}' must be a string or an array of text parts.", param);
        }
    }

    private static string? OptionalString(JsonElement item, string name, string param) =>
        !item.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw ChatRequestValidator.Invalid($"'{param}.{name}' must be a string.", $"{param}.{name}");

    private static string RequiredString(JsonElement item, string name, string param) =>
        OptionalString(item, name, param) is { Length: > 0 } value ? value
        : throw ChatRequestValidator.Invalid($"'{param}.{name}' is required and must be a non-empty string.", $"{param}.{name}");
}
