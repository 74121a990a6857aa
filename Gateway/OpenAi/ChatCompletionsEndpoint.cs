using Microsoft.Extensions.Options;
using Verge.Orleans.Gateway.Identity;
using Verge.Orleans.Gateway.Operations;
using Verge.Orleans.Gateway.OpenAi.Contracts;
using Verge.Orleans.Gateway.Serving;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.OpenAi;

internal static class ChatCompletionsEndpoint
{
    /// <summary>
    /// <c>POST /v1/chat/completions</c>. Everything that can fail before the first token (parsing, the
    /// assistant, the prompt's length, capacity) fails here with a plain JSON error; after that the
    /// answer is one JSON document or an SSE stream.
    /// </summary>
    public static async Task<IResult> HandleAsync(
        HttpContext http, IGrainFactory grains, GatewayHeartbeat heartbeat, GenerationRunner runner,
        IOptions<ChatRequestLimits> limits, ILogger<ChatRequest> logger)
    {
        http.Response.RegisterForDispose(heartbeat.Track());
        var aborted = http.RequestAborted;
        var frame = new ResponseFrame("chatcmpl-" + Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow.ToUnixTimeSeconds(), "");
        ChatRequest? request = null;
        Generation generation;
        try
        {
            var body = await RequestBody.ReadAsync(http.Request, OpenAiRequestJsonContext.Default.ChatCompletionRequest, aborted);
            request = ChatRequestValidator.Validate(body, limits.Value);
            UnknownFields.Log(logger, "chat completions", request.IgnoredFields);
            var session = ChatSessionBinding.Of(http, request);
            if (!http.Grant().MayUse(request.Model))
            {
                throw ServingException.ModelNotFound(request.Model);
            }

            generation = await runner.StartAsync(request.Model, request.Generation, session, frame.Id, aborted);
        }
        catch (Exception error) when (!aborted.IsCancellationRequested)
        {
            runner.Refused(request?.Model ?? "", OpenAiErrors.Map(error).Status);
            return OpenAiErrors.ToResult(error);
        }

        frame = frame with { Model = request.Model };
        var recorder = TurnRecorder.For(grains, generation.Session, request);
        if (request.Stream)
        {
            return new SseResult(frame, generation.Events, request, recorder);
        }

        try
        {
            var answer = await GenerationRunner.CollectAsync(generation, request.Generation.N,
                recorder is null ? null : answer => recorder.RecordAsync(answer.FirstSummary!, answer.Content, answer.Reasoning));
            return Results.Json(ChatAnswer.ToCompletion(answer, frame, request.Generation.Logprobs), OpenAiJsonContext.Default.ChatCompletion);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            return OpenAiErrors.ToResult(error);
        }
    }
}
