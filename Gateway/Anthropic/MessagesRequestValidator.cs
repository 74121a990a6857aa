using System.Globalization;
using System.Text.Json;
using Verge.Orleans.Gateway.Anthropic.Contracts;
using Verge.Orleans.Gateway.OpenAi;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.Anthropic;

/// <summary>
/// Turns a typed Messages API body into a <see cref="AnthropicRequest"/>, or refuses it with a 400 whose
/// message starts with the offending field's path in Anthropic's style (<c>messages.1.content.0.tool_use_id</c>).
/// </summary>
internal static class MessagesRequestValidator
{
    public const int MaxStopSequences = 16;

    // Accepted and harmless to ignore: they would not change the output if honoured.
    private static readonly HashSet<string> Ignorable = ["service_tier", "cache_control", "container", "context_management", "inference_geo", "speed"];

    /// <param name="counting">For <c>count_tokens</c>: <c>max_tokens</c> and <c>stream</c> are not part of that request.</param>
    public static AnthropicRequest Validate(MessagesRequest body, ChatRequestLimits limits, bool counting = false)
    {
        var model = string.IsNullOrEmpty(body.Model) ? throw Invalid("model", "Field required") : body.Model;
        int? maxTokens = counting ? null : body.MaxTokens switch
        {
            null => throw Invalid("max_tokens", "Field required"),
            < 1 => throw Invalid("max_tokens", "must be at least 1"),
            var value => value,
        };
        var messages = AnthropicContentValidator.Messages(body.System, body.Messages);
        var tools = Tools(body.Tools, limits);
        var toolChoice = ToolChoiceOf(body.ToolChoice, tools);
        var generation = new GenerationRequest
        {
            Messages = messages,
            MaxTokens = maxTokens,
            Temperature = Between(body.Temperature, 0, 1, "temperature"),
            TopP = Between(body.TopP, 0, 1, "top_p"),
            TopK = body.TopK is null or >= 0 ? body.TopK : throw Invalid("top_k", "must be at least 0"),
            Stop = StopSequences(body.StopSequences),
            Tools = toolChoice.Mode == ToolChoiceMode.None ? [] : tools,
            ToolChoice = toolChoice,
            ParallelToolCalls = body.ToolChoice?.DisableParallelToolUse != true,
            DisableThink = DisablesThinking(body.Thinking, maxTokens),
        };
        return new AnthropicRequest
        {
            Model = model,
            Generation = generation,
            Stream = !counting && (body.Stream ?? false),
            IgnoredFields = [.. body.Extra?.Keys.Where(field => !Ignorable.Contains(field)) ?? []],
        };
    }

    private static IReadOnlyList<ToolDefinition> Tools(List<AnthropicToolBody?>? tools, ChatRequestLimits limits)
    {
        if (tools is null)
        {
            return [];
        }

        if (tools.Count > limits.MaxTools)
        {
            throw Invalid("tools", $"at most {limits.MaxTools} tools may be declared");
        }

        var definitions = new List<ToolDefinition>();
        for (var i = 0; i < tools.Count; i++)
        {
            var param = $"tools.{i}";
            var tool = tools[i] ?? throw Invalid(param, "must be an object");
            if (tool.Type is not (null or "custom"))
            {
                throw Invalid($"{param}.type", $"'{tool.Type}' is not supported: this server runs client tools ('custom') only");
            }

            var name = ChatRequestValidator.FunctionName(tool.Name, $"{param}.name");
            if (definitions.Any(d => d.Name == name))
            {
                throw Invalid($"{param}.name", $"the tool '{name}' is declared twice");
            }

            var schema = tool.InputSchema switch
            {
                { ValueKind: JsonValueKind.Object } value => value.GetRawText(),
                null or { ValueKind: JsonValueKind.Null } => throw Invalid($"{param}.input_schema", "Field required"),
                _ => throw Invalid($"{param}.input_schema", "must be a JSON Schema object"),
            };
            definitions.Add(new ToolDefinition(name, tool.Description, schema));
        }

        return definitions;
    }

    /// <summary>Anthropic's <c>any</c> is OpenAI's <c>required</c>; <c>tool</c> names a function; absent is <c>auto</c>.</summary>
    private static ToolChoice ToolChoiceOf(AnthropicToolChoiceBody? choice, IReadOnlyList<ToolDefinition> tools)
    {
        var result = choice?.Type switch
        {
            null when choice is null => tools.Count > 0 ? ToolChoice.Auto : ToolChoice.None,
            "auto" => tools.Count > 0 ? ToolChoice.Auto : ToolChoice.None,
            "none" => ToolChoice.None,
            "any" => ToolChoice.Required,
            "tool" => new ToolChoice(ToolChoiceMode.Function,
                string.IsNullOrEmpty(choice.Name) ? throw Invalid("tool_choice.name", "Field required") : choice.Name),
            _ => throw Invalid("tool_choice.type", "must be 'auto', 'any', 'tool' or 'none'"),
        };
        if (result.Mode is ToolChoiceMode.Required or ToolChoiceMode.Function && tools.Count == 0)
        {
            throw Invalid("tool_choice", "requires 'tools'");
        }

        if (result.Function is { } name && tools.All(t => t.Name != name))
        {
            throw Invalid("tool_choice.name", $"names the tool '{name}', which is not among 'tools'");
        }

        return result;
    }

    /// <summary>
    /// <c>disabled</c> closes the model's thought before it starts; <c>enabled</c> and <c>adaptive</c> leave the
    /// assistant's think mode as configured. The budget is checked as Anthropic checks it, but only
    /// <c>max_tokens</c> bounds the whole answer, thought included.
    /// </summary>
    private static bool DisablesThinking(ThinkingBody? thinking, int? maxTokens)
    {
        switch (thinking?.Type)
        {
            case null when thinking is null:
            case "adaptive":
                return false;
            case "disabled":
                return true;
            case "enabled":
                var budget = thinking.BudgetTokens ?? throw Invalid("thinking.budget_tokens", "Field required");
                if (budget < 1024 || budget >= maxTokens)
                {
                    throw Invalid("thinking.budget_tokens", "must be at least 1024 and less than max_tokens");
                }

                return false;
            default:
                throw Invalid("thinking.type", "must be 'enabled', 'disabled' or 'adaptive'");
        }
    }

    private static IReadOnlyList<string> StopSequences(List<string?>? stops)
    {
        if (stops is null)
        {
            return [];
        }

        if (stops.Count > MaxStopSequences)
        {
            throw Invalid("stop_sequences", $"takes at most {MaxStopSequences} strings");
        }

        for (var i = 0; i < stops.Count; i++)
        {
            if (string.IsNullOrEmpty(stops[i]))
            {
                throw Invalid($"stop_sequences.{i}", "must be a non-empty string");
            }
        }

        return [.. stops!];
    }

    private static float? Between(double? value, double min, double max, string param) =>
        value is null ? null
        : value >= min && value <= max ? (float)value.Value
        : throw Invalid(param, $"must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>A 400 naming <paramref name="param"/> first, as Anthropic's own messages do (<c>max_tokens: Field required</c>).</summary>
    internal static RequestValidationException Invalid(string param, string problem) => new($"{param}: {problem}", param);
}
