using System.Text.Json;
using Verge.Orleans.Gateway.OpenAi.Contracts;
using Verge.Orleans.Grains.Abstractions.Inference;
using static Verge.Orleans.Gateway.OpenAi.ChatRequestValidator;

namespace Verge.Orleans.Gateway.OpenAi;

/// <summary>
/// Turns a typed legacy completion body into a <see cref="TextRequest"/>, or refuses it with a 400 naming
/// the exact path (<c>prompt[1][3]</c>). Sampling fields are checked as chat checks them.
/// </summary>
internal static class CompletionRequestValidator
{
    /// <summary>OpenAI's bound on the legacy <c>logprobs</c>.</summary>
    public const int MaxLogprobs = 5;

    /// <summary>OpenAI's default <c>max_tokens</c> for legacy completions (vLLM keeps it too).</summary>
    public const int DefaultMaxTokens = 16;

    public static TextRequest Validate(CompletionRequest body, ChatRequestLimits limits)
    {
        var model = string.IsNullOrEmpty(body.Model) ? throw Invalid("You must provide a model parameter.", "model") : body.Model;
        var stream = body.Stream ?? false;
        if (body.StreamOptions is not null && !stream)
        {
            throw Invalid("The 'stream_options' parameter is only allowed when 'stream' is enabled.", "stream_options");
        }

        var echo = body.Echo ?? false;
        if (echo && stream)
        {
            throw Invalid("'echo' cannot be used together with 'stream'.", "echo");
        }

        var fim = body.Suffix is not null;
        var prompts = Prompts(body.Prompt, fim, limits);
        var n = Between(body.N, 1, limits.MaxChoices, "n") ?? 1;
        if (body.BestOf is { } bestOf && bestOf != n)
        {
            throw Invalid("'best_of' is only supported equal to 'n' (every choice is returned).", "best_of");
        }

        var logprobs = Between(body.Logprobs, 0, MaxLogprobs, "logprobs");
        var generation = new GenerationRequest
        {
            Messages = [],
            Temperature = Between(body.Temperature, 0, 2, "temperature"),
            TopP = Between(body.TopP, 0, 1, "top_p"),
            TopK = AtLeast(body.TopK, 0, "top_k"),
            MinP = Between(body.MinP, 0, 1, "min_p"),
            Seed = body.Seed is { } seed ? unchecked((uint)seed) : null,
            MaxTokens = AtLeast(body.MaxTokens, 1, "max_tokens") ?? DefaultMaxTokens,
            Stop = Stop(body.Stop),
            IgnoreEos = body.IgnoreEos ?? false,
            N = n,
            PresencePenalty = Between(body.PresencePenalty, -2, 2, "presence_penalty"),
            FrequencyPenalty = Between(body.FrequencyPenalty, -2, 2, "frequency_penalty"),
            RepeatPenalty = Between(body.RepeatPenalty, 0, 10, "repeat_penalty"),
            LogitBias = LogitBias(body.LogitBias),
            Logprobs = logprobs is not null,
            TopLogprobs = logprobs ?? 0,
        };
        return new TextRequest
        {
            Model = model,
            Prompts = [.. prompts.Select(p => p with { Suffix = body.Suffix, Echo = echo })],
            Generation = generation,
            Stream = stream,
            IncludeUsage = body.StreamOptions?.IncludeUsage ?? false,
            Logprobs = logprobs,
            IgnoredFields = body.Extra is null ? [] : [.. body.Extra.Keys],
        };
    }

    /// <summary>A string, strings, token ids, or arrays of token ids. An empty prompt is allowed only before a suffix.</summary>
    private static List<RawPrompt> Prompts(JsonElement? value, bool fim, ChatRequestLimits limits)
    {
        const string Shapes = "'prompt' must be a string, an array of strings, an array of token ids or an array of token-id arrays.";
        List<RawPrompt> prompts = value switch
        {
            null or { ValueKind: JsonValueKind.Null } => throw Invalid("You must provide a prompt parameter.", "prompt"),
            { ValueKind: JsonValueKind.String } text => [Text(text, fim, "prompt")],
            { ValueKind: JsonValueKind.Array } items when items.GetArrayLength() == 0 => throw Invalid("'prompt' must not be empty.", "prompt"),
            { ValueKind: JsonValueKind.Array } items => items[0].ValueKind switch
            {
                JsonValueKind.String => [.. items.EnumerateArray().Select((item, i) => Text(item, fim, $"prompt[{i}]"))],
                JsonValueKind.Number => [new RawPrompt { Tokens = TokenIds(items, "prompt") }],
                JsonValueKind.Array => [.. items.EnumerateArray().Select((item, i) => item.ValueKind == JsonValueKind.Array
                    ? new RawPrompt { Tokens = TokenIds(item, $"prompt[{i}]") }
                    : throw Invalid(Shapes, $"prompt[{i}]"))],
                _ => throw Invalid(Shapes, "prompt[0]"),
            },
            _ => throw Invalid(Shapes, "prompt"),
        };
        return prompts.Count > limits.MaxPrompts
            ? throw Invalid($"At most {limits.MaxPrompts} prompts may be sent in one request.", "prompt")
            : prompts;
    }

    private static RawPrompt Text(JsonElement item, bool fim, string param) => item.ValueKind switch
    {
        JsonValueKind.String when item.GetString() is { Length: > 0 } || fim => new RawPrompt { Text = item.GetString()! },
        JsonValueKind.String => throw Invalid($"'{param}' must not be empty.", param),
        _ => throw Invalid($"'{param}' must be a string like the other prompts.", param),
    };

    private static int[] TokenIds(JsonElement array, string param)
    {
        if (array.GetArrayLength() == 0)
        {
            throw Invalid($"'{param}' must hold at least one token id.", param);
        }

        return [.. array.EnumerateArray().Select((id, i) => id.ValueKind == JsonValueKind.Number && id.TryGetInt32(out var token) && token >= 0
            ? token
            : throw Invalid($"'{param}[{i}]' must be a token id (an integer of at least 0).", $"{param}[{i}]"))];
    }
}
