using System.Text.Json;
using Verge.Orleans.Gateway.OpenAi.Contracts;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.OpenAi;

/// <summary>
/// Turns a typed embeddings body into an <see cref="EmbeddingsRequest"/>, or refuses it with a 400 whose
/// <c>param</c> is the exact path of the offending field (<c>input[2][5]</c>). Limits are OpenAI's.
/// </summary>
internal static class EmbeddingRequestValidator
{
    public const int MaxInputs = 2048;

    public static EmbeddingsRequest Validate(EmbeddingCreateRequest body)
    {
        var model = string.IsNullOrEmpty(body.Model) ? throw Invalid("You must provide a model parameter.", "model") : body.Model;
        var base64 = body.EncodingFormat switch
        {
            null or "float" => false,
            "base64" => true,
            _ => throw Invalid($"'{body.EncodingFormat}' is not one of ['float', 'base64'] - 'encoding_format'.", "encoding_format"),
        };
        if (body.Dimensions is < 1)
        {
            throw Invalid($"{body.Dimensions} is less than the minimum of 1 - 'dimensions'.", "dimensions");
        }

        var (texts, tokens) = Inputs(body.Input);
        return new EmbeddingsRequest
        {
            Model = model,
            Embedding = new EmbeddingRequest { Texts = texts, Tokens = tokens, Dimensions = body.Dimensions },
            Base64 = base64,
            IgnoredFields = body.Extra is null ? [] : [.. body.Extra.Keys],
        };
    }

    private static (IReadOnlyList<string> Texts, IReadOnlyList<int[]> Tokens) Inputs(JsonElement? input)
    {
        switch (input)
        {
            case null or { ValueKind: JsonValueKind.Null }:
                throw Invalid("You must provide an input parameter.", "input");
            case { ValueKind: JsonValueKind.String } text:
                return ([Text(text, "input")], []);
            case { ValueKind: JsonValueKind.Array } array:
                var items = array.EnumerateArray().ToList();
                if (items.Count == 0)
                {
                    throw Invalid("'input' cannot be an empty array.", "input");
                }

                if (items[0].ValueKind == JsonValueKind.Number)
                {
                    return ([], [TokenArray(array, "input")]);
                }

                if (items.Count > MaxInputs)
                {
                    throw Invalid($"'input' holds {items.Count} inputs; at most {MaxInputs} are allowed.", "input");
                }

                return items[0].ValueKind switch
                {
                    JsonValueKind.String => ([.. items.Select((item, i) => Text(item, $"input[{i}]"))], []),
                    JsonValueKind.Array => ([], [.. items.Select((item, i) => TokenArray(item, $"input[{i}]"))]),
                    _ => throw InvalidType("input[0]", "a string, an integer or an array of integers"),
                };
            default:
                throw InvalidType("input", "a string or an array");
        }
    }

    private static string Text(JsonElement item, string param) => item.ValueKind switch
    {
        JsonValueKind.String when item.GetString() is { Length: > 0 } text => text,
        JsonValueKind.String => throw Invalid($"'{param}' cannot be an empty string.", param),
        _ => throw InvalidType(param, "a string"),
    };

    private static int[] TokenArray(JsonElement array, string param)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw InvalidType(param, "an array of integers");
        }

        var tokens = new int[array.GetArrayLength()];
        if (tokens.Length == 0)
        {
            throw Invalid($"'{param}' cannot be an empty array.", param);
        }

        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            tokens[index] = item.ValueKind == JsonValueKind.Number && item.TryGetInt32(out var token) && token >= 0
                ? token
                : throw InvalidType($"{param}[{index}]", "a non-negative integer (a token id)");
            index++;
        }

        return tokens;
    }

    private static RequestValidationException InvalidType(string param, string expected) =>
        new($"Invalid type for '{param}': expected {expected}.", param, "invalid_type");

    private static RequestValidationException Invalid(string message, string param) => new(message, param, "invalid_value");
}
