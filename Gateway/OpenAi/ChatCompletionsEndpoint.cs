using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using Verge.Orleans.Gateway.Identity;
using Verge.Orleans.Gateway.Operations;
using Verge.Orleans.Gateway.OpenAi.Contracts;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Abstractions.Sessions;

namespace Verge.Orleans.Gateway.OpenAi;

internal static class ChatCompletionsEndpoint
{
    private static readonly ConcurrentDictionary<string, bool> LoggedFields = new();

    /// <summary>
    /// <c>POST /v1/chat/completions</c>. Everything that can fail before the first token (parsing, the
    /// assistant, the prompt's length, capacity) fails here with a plain JSON error; after that the
    /// answer is one JSON document or an SSE stream.
    /// </summary>
    public static async Task<IResult> HandleAsync(
        HttpContext http, IGrainFactory grains, GatewayHeartbeat heartbeat, ServingMetrics metrics,
        IOptions<ChatRequestLimits> limits, ILogger<ChatRequest> logger)
    {
        http.Response.RegisterForDispose(heartbeat.Track());
        var arrived = Stopwatch.GetTimestamp();
        var aborted = http.RequestAborted;
        ChatRequest? request = null;
        SessionRequest? session;
        IAsyncEnumerator<GenerationEvent> events;
        SessionRecording? recording;
        try
        {
            var body = await RequestBody.ReadAsync(http.Request, OpenAiRequestJsonContext.Default.ChatCompletionRequest, aborted);
            request = ChatRequestValidator.Validate(body, limits.Value);
            LogIgnoredFields(request, logger);
            session = ChatSessionBinding.Of(http, request);
            if (!http.Grant().MayUse(request.Model))
            {
                throw ServingException.ModelNotFound(request.Model);
            }

            (events, recording) = await AcceptAsync(grains, request.Model, request.Generation, session, logger, aborted);
        }
        catch (Exception error) when (!aborted.IsCancellationRequested)
        {
            metrics.Refused(request?.Model ?? "", OpenAiErrors.Map(error).Status);
            return OpenAiErrors.ToResult(error);
        }

        var response = new ResponseFrame(
            "chatcmpl-" + Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow.ToUnixTimeSeconds(), request.Model);
        IAsyncEnumerator<GenerationEvent> Observe(IAsyncEnumerator<GenerationEvent> raw) =>
            metrics.Observe(raw, request.Model, arrived, response.Id, retried: !request.Stream);
        var recorder = TurnRecorder.For(grains, recording, request);
        return request.Stream
            ? new SseResult(response, Observe(events), request, recorder)
            : await CompleteAsync(response, request, Observe(events), recorder,
                async () => Observe((await AcceptAsync(grains, request.Model, request.Generation, session, logger, aborted)).Events));
    }

    /// <summary>
    /// Plans the request and waits until a worker accepts it. A worker lost meanwhile (its silo died or
    /// is draining) costs the client nothing: the request is planned again, on the worker's next activation.
    /// Returns the plan's chat session to store the turn in, if any.
    /// </summary>
    private static async Task<(IAsyncEnumerator<GenerationEvent> Events, SessionRecording? Session)> AcceptAsync(
        IGrainFactory grains, string assistant, GenerationRequest request, SessionRequest? session, ILogger logger, CancellationToken aborted)
    {
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            IAsyncEnumerator<GenerationEvent>? events = null;
            try
            {
                var planner = grains.GetGrain<IAssistantGrain>(assistant);
                var plan = await (session is null ? planner.PlanAsync(request) : planner.PlanInSessionAsync(request, session));
                events = grains.GetGrain<IModelWorkerGrain>(plan.Worker).GenerateAsync(plan.Request, aborted).GetAsyncEnumerator(aborted);
                if (!await events.MoveNextAsync() || events.Current.Kind != GenerationEventKind.Accepted)
                {
                    throw new InvalidOperationException("The worker ended the stream before accepting the request.");
                }

                return (events, plan.Session);
            }
            catch (Exception error) when (Failover.MayRetry(error, started, aborted))
            {
                logger.LogWarning("Attempt {Attempt} for {Assistant} failed ({Error}); retrying", attempt, assistant, error.Message);
                await Failover.DisposeQuietlyAsync(events);
                await Failover.BackOffAsync(attempt, aborted);
            }
        }
    }

    /// <summary>
    /// Collects a non-streamed answer. The client has seen nothing yet, so a worker lost mid-answer is
    /// replaced and the answer generated again.
    /// </summary>
    private static async Task<IResult> CompleteAsync(
        ResponseFrame frame, ChatRequest request, IAsyncEnumerator<GenerationEvent> events, TurnRecorder? recorder,
        Func<Task<IAsyncEnumerator<GenerationEvent>>> restart)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                return await CollectAsync(frame, request, events, recorder);
            }
            catch (Exception error) when (Failover.MayRetry(error, started, CancellationToken.None))
            {
                try
                {
                    events = await restart();
                }
                catch (Exception failed) when (failed is not OperationCanceledException)
                {
                    return OpenAiErrors.ToResult(failed);
                }
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                return OpenAiErrors.ToResult(error);
            }
        }
    }

    private static async Task<IResult> CollectAsync(ResponseFrame frame, ChatRequest request, IAsyncEnumerator<GenerationEvent> events, TurnRecorder? recorder)
    {
        var answer = new CompletionAccumulator(request.Generation.N);
        try
        {
            while (await events.MoveNextAsync())
            {
                answer.Add(events.Current);
                if (answer.Complete)
                {
                    if (recorder is not null)
                    {
                        await recorder.RecordAsync(answer.FirstSummary!, answer.Content, answer.Reasoning);
                    }

                    return Results.Json(answer.ToCompletion(frame, request.Generation.Logprobs), OpenAiJsonContext.Default.ChatCompletion);
                }
            }

            throw new InvalidOperationException("The worker's stream ended without a result.");
        }
        finally
        {
            await Failover.DisposeQuietlyAsync(events);
        }
    }

    private static void LogIgnoredFields(ChatRequest request, ILogger logger)
    {
        foreach (var field in request.IgnoredFields)
        {
            if (LoggedFields.TryAdd(field, true))
            {
                logger.LogInformation("Ignoring unknown request field {Field} (logged once)", field);
            }
        }
    }
}
