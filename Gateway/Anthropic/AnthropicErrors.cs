using System.Text.Json;
using Verge.Orleans.Gateway.Anthropic.Contracts;
using Verge.Orleans.Gateway.OpenAi;
using Verge.Orleans.Gateway.Serving;

namespace Verge.Orleans.Gateway.Anthropic;

/// <summary>
/// The one place where failures become Anthropic-shaped errors. Which failure gets which status and
/// message is <see cref="OpenAiErrors.Map"/>'s decision, so both API families agree on it; this only
/// names the Anthropic error type of each status.
/// </summary>
internal static class AnthropicErrors
{
    public static (int Status, AnthropicErrorResponse Body, int? RetryAfter) Map(Exception error)
    {
        var (status, body, retryAfter) = OpenAiErrors.Map(error);
        return (status, new AnthropicErrorResponse(new AnthropicErrorBody(TypeOf(status), body.Error.Message)), retryAfter);
    }

    public static IResult ToResult(Exception error)
    {
        var (status, body, retryAfter) = Map(error);
        return Error(status, body, retryAfter, status == 500 ? error : null);
    }

    /// <summary>401 in Anthropic's shape with VergeOS' <c>"err"</c> beside it.</summary>
    public static IResult LoginRequired() => Error(401, new AnthropicErrorResponse(
        new AnthropicErrorBody("authentication_error", "Login required: send a valid API key as 'x-api-key: <key>' or 'Authorization: Bearer <key>'."),
        Err: "Login required"), null, null);

    public static IResult IpForbidden() => Error(403, new AnthropicErrorResponse(
        new AnthropicErrorBody("permission_error", "This API key may not be used from your address.")), null, null);

    /// <summary>The <c>error</c> event sent when a stream fails after <c>message_start</c>.</summary>
    public static string ToSseEvent(Exception error) =>
        "event: error\ndata: " + JsonSerializer.Serialize(Map(error).Body, AnthropicJsonContext.Default.AnthropicErrorResponse) + "\n\n";

    private static string TypeOf(int status) => status switch
    {
        400 or 409 or 413 or 415 or 422 => "invalid_request_error",
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        429 => "rate_limit_error",
        503 or 529 => "overloaded_error",
        _ => "api_error",
    };

    private static ErrorResult<AnthropicErrorResponse> Error(int status, AnthropicErrorResponse body, int? retryAfter, Exception? unexpected) =>
        new(status, body, AnthropicJsonContext.Default.AnthropicErrorResponse, retryAfter, unexpected);
}
