using System.Globalization;
using System.Text;
using System.Text.Json;
using Verge.Orleans.Gateway.OpenAi.Contracts;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Abstractions.Sessions;

namespace Verge.Orleans.Gateway.OpenAi;

/// <summary>
/// Turns a typed chat completion body into a <see cref="ChatRequest"/>, or refuses it with a 400 whose
/// <c>param</c> is the exact path of the offending field (<c>tools[0].function.parameters</c>).
/// </summary>
internal static class ChatRequestValidator
{
    // Accepted and harmless to ignore: they would not change the output if honoured.
    private static readonly HashSet<string> Ignorable = ["prediction", "audio_format", "web_search_options", "verbosity"];

    public static ChatRequest Validate(ChatCompletionRequest body, ChatRequestLimits limits)
    {
        var model = string.IsNullOrEmpty(body.Model) ? throw Invalid("You must provide a model parameter.", "model") : body.Model;
        var messages = ChatMessageValidator.Messages(body.Messages);
        var tools = Tools(body.Tools, limits);
        var toolChoice = ToolChoiceOf(body.ToolChoice, tools);
        var stream = body.Stream ?? false;
        if (body.StreamOptions is not null && !stream)
        {
            throw Invalid("The 'stream_options' parameter is only allowed when 'stream' is enabled.", "stream_options");
        }

        var maxTokens = AtLeast(body.MaxCompletionTokens, 1, "max_completion_tokens") ?? AtLeast(body.MaxTokens, 1, "max_tokens");
        var logprobs = body.Logprobs ?? false;
        var topLogprobs = Between(body.TopLogprobs, 0, 20, "top_logprobs") ?? 0;
        if (topLogprobs > 0 && !logprobs)
        {
            throw Invalid("'top_logprobs' requires 'logprobs' to be true.", "top_logprobs");
        }

        var generation = new GenerationRequest
        {
            Messages = messages,
            Temperature = Between(body.Temperature, 0, 2, "temperature"),
            TopP = Between(body.TopP, 0, 1, "top_p"),
            TopK = AtLeast(body.TopK, 0, "top_k"),
            MinP = Between(body.MinP, 0, 1, "min_p"),
            Seed = body.Seed is { } seed ? unchecked((uint)seed) : null,
            MaxTokens = maxTokens,
            Stop = Stop(body.Stop),
            IgnoreEos = body.IgnoreEos ?? false,
            N = Between(body.N, 1, limits.MaxChoices, "n") ?? 1,
            PresencePenalty = Between(body.PresencePenalty, -2, 2, "presence_penalty"),
            FrequencyPenalty = Between(body.FrequencyPenalty, -2, 2, "frequency_penalty"),
            RepeatPenalty = Between(body.RepeatPenalty, 0, 10, "repeat_penalty"),
            LogitBias = LogitBias(body.LogitBias),
            Logprobs = logprobs,
            TopLogprobs = topLogprobs,
            Tools = toolChoice.Mode == ToolChoiceMode.None ? [] : tools,
            ToolChoice = toolChoice,
            ParallelToolCalls = body.ParallelToolCalls ?? true,
            Constraint = Constraint(body),
            TemplateArguments = TemplateArguments(body.ChatTemplateKwargs),
        };
        ToolResultsAnswerCalls(messages);
        return new ChatRequest
        {
            Model = model,
            Generation = generation,
            Stream = stream,
            IncludeUsage = body.StreamOptions?.IncludeUsage ?? false,
            SessionId = SessionId(body.SessionId),
            ChatHistory = body.ChatHistory,
            IgnoredFields = [.. body.Extra?.Keys.Where(field => !Ignorable.Contains(field)) ?? []],
        };
    }

    /// <summary>A session id from the body: null when absent, else valid or a 400 naming <c>session_id</c>.</summary>
    private static string? SessionId(JsonElement? value) => value switch
    {
        null or { ValueKind: JsonValueKind.Null } => null,
        { ValueKind: JsonValueKind.String } id => SessionId(id.GetString()),
        _ => throw Invalid("'session_id' must be a string. " + ChatSessionKeys.Rule, "session_id"),
    };

    /// <summary>A session id from the body or the header: valid or a 400 naming <c>session_id</c>.</summary>
    public static string SessionId(string? id) =>
        ChatSessionKeys.IsValid(id) ? id! : throw Invalid($"Invalid 'session_id'. {ChatSessionKeys.Rule}", "session_id");

    private static IReadOnlyList<ToolDefinition> Tools(List<ToolBody?>? tools, ChatRequestLimits limits)
    {
        if (tools is null)
        {
            return [];
        }

        if (tools.Count > limits.MaxTools)
        {
            throw Invalid($"At most {limits.MaxTools} tools may be declared.", "tools");
        }

        var definitions = new List<ToolDefinition>();
        for (var i = 0; i < tools.Count; i++)
        {
            var param = $"tools[{i}]";
            var tool = tools[i] ?? throw Invalid($"'{param}' must be an object.", param);
            if (tool.Type != "function")
            {
                throw Invalid($"'{param}.type' must be 'function'.", $"{param}.type");
            }

            var function = tool.Function ?? throw Invalid($"'{param}.function' is required.", $"{param}.function");
            var name = FunctionName(function.Name, $"{param}.function.name");
            if (definitions.Any(d => d.Name == name))
            {
                throw Invalid($"The function '{name}' is declared twice.", $"{param}.function.name");
            }

            var parameters = function.Parameters switch
            {
                null or { ValueKind: JsonValueKind.Null } => """{"type":"object","properties":{}}""",
                { ValueKind: JsonValueKind.Object } schema => schema.GetRawText(),
                _ => throw Invalid($"'{param}.function.parameters' must be a JSON Schema object.", $"{param}.function.parameters"),
            };
            definitions.Add(new ToolDefinition(name, function.Description, parameters) { Strict = function.Strict ?? false });
        }

        return definitions;
    }

    internal static string FunctionName(string? name, string param) =>
        name is { Length: > 0 and <= 64 } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')
            ? name
            : throw Invalid($"'{param}' must be 1 to 64 letters, digits, underscores, dashes or dots.", param);

    private static ToolChoice ToolChoiceOf(JsonElement? value, IReadOnlyList<ToolDefinition> tools)
    {
        var choice = value switch
        {
            null or { ValueKind: JsonValueKind.Null } => tools.Count > 0 ? ToolChoice.Auto : ToolChoice.None,
            { ValueKind: JsonValueKind.String } text => text.GetString() switch
            {
                "none" => ToolChoice.None,
                "auto" => ToolChoice.Auto,
                "required" => ToolChoice.Required,
                _ => throw Invalid("'tool_choice' must be 'none', 'auto', 'required' or a function.", "tool_choice"),
            },
            { ValueKind: JsonValueKind.Object } named => new ToolChoice(ToolChoiceMode.Function, NamedFunction(named)),
            _ => throw Invalid("'tool_choice' must be a string or an object.", "tool_choice"),
        };
        if (choice.Mode is ToolChoiceMode.Required or ToolChoiceMode.Function && tools.Count == 0)
        {
            throw Invalid("'tool_choice' requires 'tools'.", "tool_choice");
        }

        if (choice.Function is { } function && tools.All(t => t.Name != function))
        {
            throw Invalid($"'tool_choice' names the function '{function}', which is not among 'tools'.", "tool_choice.function.name");
        }

        return choice;
    }

    private static string NamedFunction(JsonElement choice)
    {
        if (!choice.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "function")
        {
            throw Invalid("'tool_choice.type' must be 'function'.", "tool_choice.type");
        }

        if (!choice.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object
            || !function.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
        {
            throw Invalid("'tool_choice.function.name' is required.", "tool_choice.function.name");
        }

        return name.GetString()!;
    }

    /// <summary>Every tool message answers a call an earlier assistant message made.</summary>
    private static void ToolResultsAnswerCalls(IReadOnlyList<ChatMessage> messages)
    {
        var calls = new HashSet<string>();
        for (var i = 0; i < messages.Count; i++)
        {
            foreach (var call in messages[i].ToolCalls ?? [])
            {
                calls.Add(call.Id);
            }

            if (messages[i].Role == "tool" && !calls.Contains(messages[i].ToolCallId!))
            {
                throw Invalid($"'messages[{i}].tool_call_id' does not answer any tool call of an earlier assistant message.", $"messages[{i}].tool_call_id");
            }
        }
    }

    private static OutputConstraint? Constraint(ChatCompletionRequest body)
    {
        var constraints = new List<(OutputConstraint Constraint, string Param)>();
        if (body.ResponseFormat is { } format)
        {
            switch (format.Type)
            {
                case "text":
                    break;
                case "json_object":
                    constraints.Add((OutputConstraint.JsonObject, "response_format"));
                    break;
                case "json_schema":
                    var spec = format.JsonSchema ?? throw Invalid("'response_format.json_schema' is required.", "response_format.json_schema");
                    if (spec.Name is { } name)
                    {
                        FunctionName(name, "response_format.json_schema.name");
                    }

                    constraints.Add((new OutputConstraint(OutputConstraintKind.JsonSchema, Schema(spec.Schema, "response_format.json_schema.schema")), "response_format"));
                    break;
                default:
                    throw Invalid("'response_format.type' must be 'text', 'json_object' or 'json_schema'.", "response_format.type");
            }
        }

        if (body.JsonSchema is { ValueKind: not JsonValueKind.Null } schema)
        {
            constraints.Add((new OutputConstraint(OutputConstraintKind.JsonSchema, Schema(schema, "json_schema")), "json_schema"));
        }

        if (body.Grammar is { } grammar)
        {
            constraints.Add((new OutputConstraint(OutputConstraintKind.Grammar, grammar.Length > 0 ? grammar : throw Invalid("'grammar' must not be empty.", "grammar")), "grammar"));
        }

        return constraints.Count switch
        {
            0 => null,
            1 => constraints[0].Constraint,
            _ => throw Invalid("Send at most one of 'response_format' (json), 'json_schema' and 'grammar'.", constraints[1].Param),
        };
    }

    private static string Schema(JsonElement? schema, string param) => schema switch
    {
        { ValueKind: JsonValueKind.Object or JsonValueKind.True } value => value.GetRawText(),
        _ => throw Invalid($"'{param}' must be a JSON Schema object.", param),
    };

    internal static IReadOnlyDictionary<int, float>? LogitBias(Dictionary<string, double>? biases)
    {
        if (biases is null)
        {
            return null;
        }

        var result = new Dictionary<int, float>();
        foreach (var (key, bias) in biases)
        {
            if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var token))
            {
                throw Invalid($"'logit_bias' keys must be token ids; '{key}' is not.", $"logit_bias.{key}");
            }

            result[token] = (float)(Between(bias, -100, 100, $"logit_bias.{key}") ?? 0);
        }

        return result;
    }

    private static string? TemplateArguments(JsonElement? kwargs) => kwargs switch
    {
        null or { ValueKind: JsonValueKind.Null } => null,
        { ValueKind: JsonValueKind.Object } value => value.GetRawText(),
        _ => throw Invalid("'chat_template_kwargs' must be an object.", "chat_template_kwargs"),
    };

    internal static IReadOnlyList<string> Stop(JsonElement? value)
    {
        string[] stops = value switch
        {
            null or { ValueKind: JsonValueKind.Null } => [],
            { ValueKind: JsonValueKind.String } one => [one.GetString()!],
            { ValueKind: JsonValueKind.Array } many when many.EnumerateArray().All(s => s.ValueKind == JsonValueKind.String) =>
                [.. many.EnumerateArray().Select(s => s.GetString()!)],
            _ => throw Invalid("'stop' must be a string or an array of strings.", "stop"),
        };
        return stops.Length > 4 || stops.Any(string.IsNullOrEmpty)
            ? throw Invalid("'stop' takes at most 4 non-empty strings.", "stop")
            : stops;
    }

    internal static int? AtLeast(int? value, int min, string param) =>
        value is null || value >= min ? value : throw Invalid($"'{param}' must be an integer of at least {min}.", param);

    internal static int? Between(int? value, int min, int max, string param) =>
        value is null || (value >= min && value <= max) ? value : throw Invalid($"'{param}' must be an integer from {min} to {max}.", param);

    internal static float? Between(double? value, double min, double max, string param) =>
        value is null ? null
        : value >= min && value <= max ? (float)value.Value
        : throw Invalid($"'{param}' must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}.", param);

    internal static RequestValidationException Invalid(string message, string param) => new(message, param);
}
