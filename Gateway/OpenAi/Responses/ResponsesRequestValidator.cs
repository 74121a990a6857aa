using System.Globalization;
using System.Text.Json;
using Verge.Orleans.Gateway.OpenAi.Contracts;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Abstractions.Responses;

namespace Verge.Orleans.Gateway.OpenAi.Responses;

/// <summary>
/// Turns a typed <c>/v1/responses</c> body into a <see cref="ResponsesRequest"/>, or refuses it with a 400
/// whose <c>param</c> is the exact path of the offending field (<c>input[2].call_id</c>, <c>tools[0].parameters</c>).
/// </summary>
internal static class ResponsesRequestValidator
{
    // Accepted and harmless to ignore: they would not change the output if honoured.
    private static readonly HashSet<string> Ignorable = ["prompt_cache_key", "safety_identifier", "top_logprobs", "max_tool_calls", "background", "stream_options"];

    private static readonly JsonElement Null = JsonDocument.Parse("null").RootElement;

    public static ResponsesRequest Validate(CreateResponseRequest body, ChatRequestLimits limits)
    {
        var model = string.IsNullOrEmpty(body.Model) ? throw ChatRequestValidator.Invalid("You must provide a model parameter.", "model") : body.Model;
        var (messages, toolResults) = ResponseInputReader.Read(body.Input);
        var tools = Tools(body.Tools, limits);
        var toolChoice = ToolChoiceOf(body.ToolChoice, tools);
        if (body.PreviousResponseId is { } previous && !StoredResponseKeys.IsValid(previous))
        {
            throw new ServingException(404, "previous_response_not_found",
                $"Previous response with id '{previous}' not found.", "previous_response_id");
        }

        if (body.Extra?.TryGetValue("background", out var background) == true && background.ValueKind == JsonValueKind.True)
        {
            throw new RequestValidationException("'background' mode is not supported by this server.", "background", "unsupported_parameter");
        }

        var generation = new GenerationRequest
        {
            Messages = messages,
            Temperature = Between(body.Temperature, 0, 2, "temperature"),
            TopP = Between(body.TopP, 0, 1, "top_p"),
            MaxTokens = body.MaxOutputTokens is null or >= 1 ? body.MaxOutputTokens : throw ChatRequestValidator.Invalid("'max_output_tokens' must be an integer of at least 1.", "max_output_tokens"),
            Tools = toolChoice.Mode == ToolChoiceMode.None ? [] : tools,
            ToolChoice = toolChoice,
            ParallelToolCalls = body.ParallelToolCalls ?? true,
            Constraint = Constraint(body.Text?.Format),
            Conversation = body.PreviousResponseId is not null,
        };
        return new ResponsesRequest
        {
            Model = model,
            Generation = generation,
            Instructions = body.Instructions,
            PreviousResponseId = body.PreviousResponseId,
            Store = body.Store ?? true,
            Stream = body.Stream ?? false,
            ToolResults = toolResults,
            Metadata = Metadata(body.Metadata),
            ToolChoiceEcho = ToolChoiceEcho(toolChoice),
            ToolsEcho = JsonSerializer.SerializeToElement(tools.Select(t => new ToolEcho(t.Name, t.Description, JsonDocument.Parse(t.Parameters).RootElement, t.Strict)).ToList(), ResponsesEchoJsonContext.Default.ListToolEcho),
            TextEcho = JsonSerializer.SerializeToElement(new TextEcho(FormatEcho(body.Text?.Format)), ResponsesEchoJsonContext.Default.TextEcho),
            ReasoningEcho = body.Reasoning is { ValueKind: JsonValueKind.Object } reasoning ? reasoning.Clone() : Null,
            IgnoredFields = [.. body.Extra?.Keys.Where(field => !Ignorable.Contains(field)) ?? []],
        };
    }

    private static IReadOnlyList<ToolDefinition> Tools(List<ResponseToolBody?>? tools, ChatRequestLimits limits)
    {
        if (tools is null)
        {
            return [];
        }

        if (tools.Count > limits.MaxTools)
        {
            throw ChatRequestValidator.Invalid($"At most {limits.MaxTools} tools may be declared.", "tools");
        }

        var definitions = new List<ToolDefinition>();
        for (var i = 0; i < tools.Count; i++)
        {
            var param = $"tools[{i}]";
            var tool = tools[i] ?? throw ChatRequestValidator.Invalid($"'{param}' must be an object.", param);
            if (tool.Type != "function")
            {
                throw new RequestValidationException($"'{param}.type' '{tool.Type}' is not supported: this server takes function tools only.", $"{param}.type", "unsupported_parameter");
            }

            var name = ChatRequestValidator.FunctionName(tool.Name, $"{param}.name");
            if (definitions.Any(d => d.Name == name))
            {
                throw ChatRequestValidator.Invalid($"The function '{name}' is declared twice.", $"{param}.name");
            }

            var parameters = tool.Parameters switch
            {
                null or { ValueKind: JsonValueKind.Null } => """{"type":"object","properties":{}}""",
                { ValueKind: JsonValueKind.Object } schema => schema.GetRawText(),
                _ => throw ChatRequestValidator.Invalid($"'{param}.parameters' must be a JSON Schema object.", $"{param}.parameters"),
            };
            definitions.Add(new ToolDefinition(name, tool.Description, parameters) { Strict = tool.Strict ?? true });
        }

        return definitions;
    }

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
                _ => throw ChatRequestValidator.Invalid("'tool_choice' must be 'none', 'auto', 'required' or a function.", "tool_choice"),
            },
            { ValueKind: JsonValueKind.Object } named => new ToolChoice(ToolChoiceMode.Function, NamedFunction(named)),
            _ => throw ChatRequestValidator.Invalid("'tool_choice' must be a string or an object.", "tool_choice"),
        };
        if (choice.Mode is ToolChoiceMode.Required or ToolChoiceMode.Function && tools.Count == 0)
        {
            throw ChatRequestValidator.Invalid("'tool_choice' requires 'tools'.", "tool_choice");
        }

        if (choice.Function is { } function && tools.All(t => t.Name != function))
        {
            throw ChatRequestValidator.Invalid($"'tool_choice' names the function '{function}', which is not among 'tools'.", "tool_choice.name");
        }

        return choice;
    }

    private static string NamedFunction(JsonElement choice)
    {
        if (!choice.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "function")
        {
            throw ChatRequestValidator.Invalid("'tool_choice.type' must be 'function'.", "tool_choice.type");
        }

        return choice.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
            ? name.GetString()!
            : throw ChatRequestValidator.Invalid("'tool_choice.name' is required.", "tool_choice.name");
    }

    private static JsonElement ToolChoiceEcho(ToolChoice choice) => choice.Mode switch
    {
        ToolChoiceMode.Function => JsonSerializer.SerializeToElement(new FunctionChoiceEcho(choice.Function!), ResponsesEchoJsonContext.Default.FunctionChoiceEcho),
        var mode => JsonSerializer.SerializeToElement(mode.ToString().ToLowerInvariant(), ResponsesEchoJsonContext.Default.String),
    };

    /// <summary><c>text.format</c> → the chat path's constraint: <c>json_object</c>, or <c>json_schema</c> with its schema.</summary>
    private static OutputConstraint? Constraint(ResponseTextFormatBody? format) => format?.Type switch
    {
        null or "text" => null,
        "json_object" => OutputConstraint.JsonObject,
        "json_schema" => new OutputConstraint(OutputConstraintKind.JsonSchema, SchemaOf(format)),
        _ => throw ChatRequestValidator.Invalid("'text.format.type' must be 'text', 'json_object' or 'json_schema'.", "text.format.type"),
    };

    private static string SchemaOf(ResponseTextFormatBody format)
    {
        ChatRequestValidator.FunctionName(format.Name, "text.format.name");
        return format.Schema is { ValueKind: JsonValueKind.Object or JsonValueKind.True } schema
            ? schema.GetRawText()
            : throw ChatRequestValidator.Invalid("'text.format.schema' must be a JSON Schema object.", "text.format.schema");
    }

    private static FormatEcho FormatEcho(ResponseTextFormatBody? format) => format?.Type switch
    {
        "json_schema" => new FormatEcho("json_schema") { Name = format.Name, Description = format.Description, Schema = format.Schema?.Clone(), Strict = format.Strict },
        { } type => new FormatEcho(type),
        null => new FormatEcho("text"),
    };

    private static IReadOnlyDictionary<string, string> Metadata(Dictionary<string, string>? metadata)
    {
        if (metadata is null)
        {
            return new Dictionary<string, string>();
        }

        if (metadata.Count > 16)
        {
            throw ChatRequestValidator.Invalid("'metadata' holds at most 16 pairs.", "metadata");
        }

        foreach (var (key, value) in metadata)
        {
            if (key.Length > 64 || value is null || value.Length > 512)
            {
                throw ChatRequestValidator.Invalid("'metadata' keys are at most 64 characters and values strings of at most 512.", $"metadata.{key}");
            }
        }

        return metadata;
    }

    private static float? Between(double? value, double min, double max, string param) =>
        value is null ? null
        : value >= min && value <= max ? (float)value.Value
        : throw ChatRequestValidator.Invalid($"'{param}' must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}.", param);
}
