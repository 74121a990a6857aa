using System.Text.Json;
using Verge.Orleans.Gateway.OpenAi.Contracts;
using Verge.Orleans.Gateway.Serving;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Abstractions.Resilience;

namespace Verge.Orleans.Gateway.OpenAi;

/// <summary>The one place where failures become OpenAI-shaped errors with their HTTP status.</summary>
internal static class OpenAiErrors
{
    public static (int Status, ErrorResponse Body, int? RetryAfter) Map(Exception error) => error switch
    {
        RequestValidationException invalid => (400, Body(invalid.Message, "invalid_request_error", invalid.Param, invalid.Code), null),
        JsonException => (400, Body("We could not parse the JSON body of your request.", "invalid_request_error", null, "invalid_json"), null),
        BadHttpRequestException bad => (bad.StatusCode, Body(bad.Message, "invalid_request_error", null, null), null),
        // Kestrel reports some broken framing (a chunk size that overflows) as a plain I/O error while the body is read.
        IOException => (400, Body($"The request body could not be read: {error.Message}", "invalid_request_error", null, null), null),
        ServingException serving => (serving.Status, Body(serving.Message, TypeOf(serving.Status, serving.Code), serving.Param, serving.Code), serving.RetryAfterSeconds),
        TimeoutException => (503, Body("The cluster did not answer in time; retry.", "server_error", null, "timeout"), 1),
        _ when SiloLoss.Is(error) => (503, Body("A node of the cluster went away while serving this request; retry.", "server_error", null, "node_lost"), 1),
        _ => (500, Body("The server had an error while processing your request.", "server_error", null, null), null),
    };

    public static IResult ToResult(Exception error)
    {
        var (status, body, retryAfter) = Map(error);
        return Error(status, body, retryAfter, status == 500 ? error : null);
    }

    /// <summary>401 with VergeOS' body and an OpenAI error beside it, so both kinds of client understand it.</summary>
    public static IResult LoginRequired() => Error(401, new ErrorResponse(
        new ErrorBody("Login required: send a valid API key as 'Authorization: Bearer <key>'.", "authentication_error", null, "invalid_api_key"),
        Err: "Login required"), null, null);

    public static IResult IpForbidden() =>
        Error(403, Body("This API key may not be used from your address.", "permission_error", null, "ip_not_allowed"), null, null);

    /// <summary>The SSE frame sent when a stream fails after its first byte.</summary>
    public static string ToSseFrame(Exception error) =>
        "data: " + JsonSerializer.Serialize(Map(error).Body, OpenAiJsonContext.Default.ErrorResponse) + "\n\n";

    private static ErrorResponse Body(string message, string type, string? param, string? code) =>
        new(new ErrorBody(message, type, param, code));

    private static string TypeOf(int status, string code) => status switch
    {
        429 when code == "insufficient_quota" => "insufficient_quota", // OpenAI's type for a spent budget
        401 => "authentication_error",
        403 => "permission_error",
        404 or 400 => "invalid_request_error",
        429 => "rate_limit_error",
        _ => "server_error",
    };

    private static ErrorResult<ErrorResponse> Error(int status, ErrorResponse body, int? retryAfter, Exception? unexpected) =>
        new(status, body, OpenAiJsonContext.Default.ErrorResponse, retryAfter, unexpected);
}
