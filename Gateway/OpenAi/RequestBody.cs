using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace Verge.Orleans.Gateway.OpenAi;

/// <summary>
/// Reads a typed request body. Malformed JSON is a 400 <c>invalid_json</c>; a field of the wrong type
/// is a 400 naming its path (<c>messages[3].content</c>) and the type OpenAI's schema expects.
/// </summary>
internal static partial class RequestBody
{
    public static async Task<T> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        T? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync(request.Body, type, cancellationToken);
        }
        catch (JsonException error) when (error.InnerException is { } inner && inner.Message.Contains("UTF-", StringComparison.Ordinal))
        {
            throw NotUtf8();
        }
        catch (JsonException error) when (error.Path is { } path && ConversionFailure().Match(error.Message) is { Success: true } failure)
        {
            var param = ParamOf(path);
            throw param is null
                ? new RequestValidationException("The request body must be a JSON object.", null)
                : new RequestValidationException($"Invalid type for '{param}': expected {JsonTypeOf(failure.Groups[1].Value)}.", param, "invalid_type");
        }
        catch (JsonException)
        {
            throw new RequestValidationException("We could not parse the JSON body of your request.", null, "invalid_json");
        }
        catch (Exception error) when (error is InvalidOperationException or DecoderFallbackException or ArgumentException)
        {
            throw NotUtf8();
        }

        return body ?? throw new RequestValidationException("The request body must be a JSON object.", null);
    }

    // Lone surrogates and invalid UTF-8 inside strings surface as these, alone or inside a JsonException.
    private static RequestValidationException NotUtf8() => new("The request body is not valid UTF-8 JSON text.", null, "invalid_json");

    /// <summary><c>$.messages[3].content</c> → <c>messages[3].content</c>; the body itself → null.</summary>
    private static string? ParamOf(string path)
    {
        var param = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        param = param.Replace("['", ".", StringComparison.Ordinal).Replace("']", "", StringComparison.Ordinal);
        return param.Length == 0 ? null : param;
    }

    private static string JsonTypeOf(string clrType) => clrType switch
    {
        _ when clrType.StartsWith("System.Collections.Generic.List", StringComparison.Ordinal) => "an array",
        _ when clrType.StartsWith("System.Collections.Generic.Dictionary", StringComparison.Ordinal) => "an object",
        _ when clrType.Contains("System.String", StringComparison.Ordinal) => "a string",
        _ when clrType.Contains("System.Boolean", StringComparison.Ordinal) => "a boolean",
        _ when clrType.Contains("System.Int", StringComparison.Ordinal) => "an integer",
        _ when clrType.Contains("System.Double", StringComparison.Ordinal) => "a number",
        _ => "an object",
    };

    [GeneratedRegex(@"could not be converted to (\S+?)\. Path")]
    private static partial Regex ConversionFailure();
}
