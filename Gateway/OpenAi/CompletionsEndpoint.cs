using Microsoft.Extensions.Options;
using Verge.Orleans.Gateway.Identity;
using Verge.Orleans.Gateway.Operations;
using Verge.Orleans.Gateway.OpenAi.Contracts;
using Verge.Orleans.Gateway.Serving;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.OpenAi;

internal static class CompletionsEndpoint
{
    /// <summary>
    /// <c>POST /v1/completions</c> (legacy text completions) on the assistant's model, with the raw prompt:
    /// no system prompt, no chat template. Each prompt is its own generation, all started before the first
    /// byte (any refusal is a plain JSON error) and run side by side; the answer is one JSON document or an
    /// SSE stream of <c>text_completion</c> chunks.
    /// </summary>
    public static async Task<IResult> HandleAsync(
        HttpContext http, GatewayHeartbeat heartbeat, GenerationRunner runner,
        IOptions<ChatRequestLimits> limits, ILogger<TextRequest> logger)
    {
        http.Response.RegisterForDispose(heartbeat.Track());
        var aborted = http.RequestAborted;
        var frame = new ResponseFrame("cmpl-" + Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow.ToUnixTimeSeconds(), "");
        TextRequest? request = null;
        Generation[] generations;
        try
        {
            var body = await RequestBody.ReadAsync(http.Request, OpenAiRequestJsonContext.Default.CompletionRequest, aborted);
            request = CompletionRequestValidator.Validate(body, limits.Value);
            UnknownFields.Log(logger, "completions", request.IgnoredFields);
            if (!http.Grant().MayUse(request.Model))
            {
                throw ServingException.ModelNotFound(request.Model);
            }

            generations = await StartAllAsync(runner, request, frame.Id, aborted);
        }
        catch (Exception error) when (!aborted.IsCancellationRequested)
        {
            runner.Refused(request?.Model ?? "", OpenAiErrors.Map(error).Status);
            return OpenAiErrors.ToResult(error);
        }

        frame = frame with { Model = request.Model };
        if (request.Stream)
        {
            return new TextSseResult(frame, [.. generations.Select(g => g.Events)], request);
        }

        try
        {
            var answers = await Task.WhenAll(generations.Select(g => GenerationRunner.CollectAsync(g, request.Generation.N)));
            return Results.Json(TextAnswer.ToCompletion(answers, frame, request), OpenAiJsonContext.Default.TextCompletion);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            return OpenAiErrors.ToResult(error);
        }
    }

    /// <summary>Starts every prompt's generation; when one is refused, the accepted ones are released and the refusal stands.</summary>
    private static async Task<Generation[]> StartAllAsync(GenerationRunner runner, TextRequest request, string requestId, CancellationToken aborted)
    {
        var starts = request.Prompts.Select((_, i) => runner.StartAsync(request.Model, request.For(i), null, requestId, aborted)).ToList();
        try
        {
            return await Task.WhenAll(starts);
        }
        catch
        {
            foreach (var started in starts.Where(s => s.IsCompletedSuccessfully))
            {
                await started.Result.Events.DisposeAsync();
            }

            throw;
        }
    }
}
