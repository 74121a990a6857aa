using System.Text;
using System.Text.Json;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Abstractions.Sessions;

namespace Verge.Orleans.Gateway.OpenAi;

/// <summary>
/// Reads a chat completion body field by field so every mistake is answered with a 400 naming the
/// parameter, as OpenAI does, instead of a deserializer's generic failure.
/// </summary>
internal static class ChatRequestParser
{
    private static readonly HashSet<string> Roles = ["system", "developer", "user", "assistant"];

    // Fields whose default is harmless to ignore (user, metadata, ...); anything that would change the
    // output if honoured and that we do not implement is refused below instead.
    private static readonly HashSet<string> Ignorable =
        ["user", "metadata", "store", "service_tier", "parallel_tool_calls", "prediction", "modalities", "reasoning_effort"];

    public static ChatRequest Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new RequestValidationException("The request body must be a JSON object.", null);
        }

        string? model = null;
        IReadOnlyList<ChatMessage>? messages = null;
        var request = new ChatRequest { Model = "", Messages = [] };
        var ignored = new List<string>();
        bool? hasStreamOptions = null;
        foreach (var property in body.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "model":
                    model = String(value, "model");
                    break;
                case "messages":
                    messages = Messages(value);
                    break;
                case "stream":
                    request = request with { Stream = Bool(value, "stream") ?? false };
                    break;
                case "stream_options":
                    hasStreamOptions = value.ValueKind != JsonValueKind.Null;
                    request = request with { IncludeUsage = StreamOptions(value) };
                    break;
                case "max_tokens" or "max_completion_tokens":
                    request = request with { MaxTokens = Int(value, property.Name, min: 1) ?? request.MaxTokens };
                    break;
                case "temperature":
                    request = request with { Temperature = Number(value, "temperature", 0, 2) };
                    break;
                case "top_p":
                    request = request with { TopP = Number(value, "top_p", 0, 1) };
                    break;
                case "seed":
                    request = request with { Seed = Seed(value) };
                    break;
                case "stop":
                    request = request with { Stop = Stop(value) };
                    break;
                case "ignore_eos":
                    request = request with { IgnoreEos = Bool(value, "ignore_eos") ?? false };
                    break;
                case "session_id":
                    request = request with { SessionId = SessionId(value) };
                    break;
                case "chat_history":
                    request = request with { ChatHistory = Bool(value, "chat_history") };
                    break;
                case "n":
                    RequireDefault(Int(value, "n", min: 1) is null or 1, "n", "Only n=1 is supported.");
                    break;
                case "frequency_penalty" or "presence_penalty":
                    RequireDefault(Number(value, property.Name, -2, 2) is null or 0, property.Name, $"'{property.Name}' is not supported yet; send 0 or leave it out.");
                    break;
                case "logprobs":
                    RequireDefault(Bool(value, "logprobs") is null or false, "logprobs", "'logprobs' is not supported.");
                    break;
                case "top_logprobs" or "logit_bias" or "tools" or "tool_choice" or "functions" or "function_call" or "audio":
                    RequireDefault(value.ValueKind == JsonValueKind.Null, property.Name, $"'{property.Name}' is not supported.");
                    break;
                case "response_format":
                    RequireDefault(value.ValueKind == JsonValueKind.Null || ResponseFormatIsText(value), "response_format", "Only response_format {\"type\":\"text\"} is supported.");
                    break;
                default:
                    ignored.Add(property.Name);
                    break;
            }
        }

        if (string.IsNullOrEmpty(model))
        {
            throw new RequestValidationException("You must provide a model parameter.", "model");
        }

        if (messages is null)
        {
            throw new RequestValidationException("Missing required parameter: 'messages'.", "messages");
        }

        if (hasStreamOptions == true && !request.Stream)
        {
            throw new RequestValidationException("The 'stream_options' parameter is only allowed when 'stream' is enabled.", "stream_options");
        }

        return request with { Model = model, Messages = messages, IgnoredFields = ignored.Where(f => !Ignorable.Contains(f)).ToArray() };
    }

    private static IReadOnlyList<ChatMessage> Messages(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            throw new RequestValidationException("'messages' must be a non-empty array of message objects.", "messages");
        }

        var messages = new List<ChatMessage>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var param = $"messages[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new RequestValidationException($"'{param}' must be an object with 'role' and 'content'.", param);
            }

            var role = item.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : null;
            if (role is null || !Roles.Contains(role))
            {
                throw new RequestValidationException(
                    $"'{param}.role' must be one of 'system', 'developer', 'user' or 'assistant'.", $"{param}.role");
            }

            var content = item.TryGetProperty("content", out var c) ? Content(c, $"{param}.content") : null;
            if (content is null && role != "assistant")
            {
                throw new RequestValidationException($"'{param}.content' is required.", $"{param}.content");
            }

            messages.Add(new ChatMessage(role == "developer" ? "system" : role, content ?? ""));
        }

        return messages;
    }

    private static string? Content(JsonElement value, string param)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return value.GetString();
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.Array:
                var text = new StringBuilder();
                foreach (var part in value.EnumerateArray())
                {
                    if (part.ValueKind != JsonValueKind.Object
                        || !part.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
                        || type.GetString() != "text"
                        || !part.TryGetProperty("text", out var partText) || partText.ValueKind != JsonValueKind.String)
                    {
                        throw new RequestValidationException($"'{param}' parts must be {{\"type\":\"text\",\"text\":...}}; other content types are not supported.", param);
                    }

                    text.Append(partText.GetString());
                }

                return text.ToString();
            default:
                throw new RequestValidationException($"'{param}' must be a string or an array of text parts.", param);
        }
    }

    private static bool StreamOptions(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new RequestValidationException("'stream_options' must be an object.", "stream_options");
        }

        return value.TryGetProperty("include_usage", out var include) && (Bool(include, "stream_options.include_usage") ?? false);
    }

    private static IReadOnlyList<string> Stop(JsonElement value)
    {
        string[] stops = value.ValueKind switch
        {
            JsonValueKind.Null => [],
            JsonValueKind.String => [value.GetString()!],
            JsonValueKind.Array when value.EnumerateArray().All(s => s.ValueKind == JsonValueKind.String) =>
                value.EnumerateArray().Select(s => s.GetString()!).ToArray(),
            _ => throw new RequestValidationException("'stop' must be a string or an array of strings.", "stop"),
        };
        if (stops.Length > 4 || stops.Any(string.IsNullOrEmpty))
        {
            throw new RequestValidationException("'stop' takes at most 4 non-empty strings.", "stop");
        }

        return stops;
    }

    /// <summary>A session id from the body or the header: null when absent, else valid or a 400 naming <c>session_id</c>.</summary>
    public static string? SessionId(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => SessionId(value.GetString()),
        _ => throw new RequestValidationException("'session_id' must be a string. " + ChatSessionKeys.Rule, "session_id"),
    };

    public static string SessionId(string? id) =>
        ChatSessionKeys.IsValid(id) ? id! : throw new RequestValidationException($"Invalid 'session_id'. {ChatSessionKeys.Rule}", "session_id");

    private static bool ResponseFormatIsText(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty("type", out var type)
        && type.ValueKind == JsonValueKind.String && type.GetString() == "text";

    private static uint? Seed(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var seed))
        {
            throw new RequestValidationException("'seed' must be an integer.", "seed");
        }

        return unchecked((uint)seed);
    }

    private static string String(JsonElement value, string param) =>
        value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new RequestValidationException($"'{param}' must be a string.", param);

    private static bool? Bool(JsonElement value, string param) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        _ => throw new RequestValidationException($"'{param}' must be a boolean.", param),
    };

    private static int? Int(JsonElement value, string param, int min)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number) || number < min)
        {
            throw new RequestValidationException($"'{param}' must be an integer of at least {min}.", param);
        }

        return number;
    }

    private static float? Number(JsonElement value, string param, double min, double max)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || value.GetDouble() is var number && (number < min || number > max))
        {
            throw new RequestValidationException($"'{param}' must be a number between {min} and {max}.", param);
        }

        return (float)number;
    }

    private static void RequireDefault(bool isDefault, string param, string message)
    {
        if (!isDefault)
        {
            throw new RequestValidationException(message, param, "unsupported_parameter");
        }
    }
}
