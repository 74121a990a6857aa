namespace Verge.Orleans.Grains.Abstractions.Inference;

/// <summary>
/// A request the cluster refuses, with the OpenAI error code and HTTP status the gateway answers with.
/// Thrown by grains; mapped to the wire in one place.
/// </summary>
[GenerateSerializer, Alias("verge.ServingException")]
public sealed class ServingException : Exception
{
    public ServingException(int status, string code, string message, string? param = null)
        : base(message)
    {
        Status = status;
        Code = code;
        Param = param;
    }

    [Id(0)] public int Status { get; }

    [Id(1)] public string Code { get; }

    [Id(2)] public string? Param { get; }

    /// <summary>Seconds a client should wait before retrying (429/503), if known.</summary>
    [Id(3)] public int? RetryAfterSeconds { get; init; }

    public static ServingException ModelNotFound(string model) =>
        new(404, "model_not_found", $"The model '{model}' does not exist or you do not have access to it.", "model");

    public static ServingException ContextLengthExceeded(int promptTokens, int contextSize, string param = "messages") =>
        new(400, "context_length_exceeded",
            $"This model's maximum context length is {contextSize} tokens, but the request needs {promptTokens} prompt tokens and at least one to generate.",
            param);

    /// <summary>An embedding model asked for a chat completion, or a chat model asked for embeddings.</summary>
    public static ServingException WrongRole(string model, bool embeddingModel) =>
        new(400, "invalid_model",
            embeddingModel
                ? $"The model '{model}' is an embedding model: use it with /v1/embeddings, not /v1/chat/completions."
                : $"The model '{model}' is not an embedding model: /v1/embeddings needs a model registered with \"embedding\": true.",
            "model");

    /// <summary>An assistant served by an external upstream, asked on a route the gateway does not forward.</summary>
    public static ServingException UpstreamOnly(string assistant) =>
        new(400, "invalid_model",
            $"The model '{assistant}' is served by an external server: only /v1/chat/completions, /v1/completions and /v1/embeddings reach it.",
            "model");

    public static ServingException Busy(int retryAfterSeconds) =>
        new(429, "server_busy", $"This model cannot start the request within its longest wait (its slots and queue are full for about {retryAfterSeconds} s); retry later.")
        {
            RetryAfterSeconds = retryAfterSeconds,
        };

    public static ServingException Conflict(string what) => new(409, "conflict", $"{what} already exists.");

    public static ServingException NotFound(string what) => new(404, "not_found", $"{what} does not exist.");

    /// <summary>The worker is stopping or draining; another activation will take the request (the gateway retries).</summary>
    public static ServingException WorkerStopped(string worker) =>
        new(503, WorkerStoppedCode, $"Worker {worker} is stopping; retry.") { RetryAfterSeconds = 1 };

    public const string WorkerStoppedCode = "worker_stopped";

    public static ServingException NotReady(string model, string reason) =>
        new(503, "model_not_ready", $"The model '{model}' is not online: {reason}") { RetryAfterSeconds = 5 };
}
