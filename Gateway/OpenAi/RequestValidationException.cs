namespace Verge.Orleans.Gateway.OpenAi;

/// <summary>A body the gateway refuses before any grain is called (400, naming the parameter).</summary>
internal sealed class RequestValidationException(string message, string? param, string code = "invalid_request_error")
    : Exception(message)
{
    public string? Param { get; } = param;

    public string Code { get; } = code;
}
