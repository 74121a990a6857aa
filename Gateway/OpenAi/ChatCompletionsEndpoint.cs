using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
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
        HttpContext http, IGrainFactory grains, GatewayHeartbeat heartbeat, ServingMetrics metrics, ILogger<ChatRequest> logger)
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
            using (var body = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: aborted))
            {
                request = ChatRequestParser.Parse(body.RootElement);
            }

            LogIgnoredFields(request, logger);
            session = ChatSessionBinding.Of(http, request);
            if (!http.Grant().MayUse(request.Model))
            {
                throw ServingException.ModelNotFound(request.Model);
            }

            (events, recording) = await AcceptAsync(grains, request.Model, ToGeneration(request), session, logger, aborted);
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
            ? new SseResult(response, Observe(events), request.IncludeUsage, recorder)
            : await CompleteAsync(response, Observe(events), recorder,
                async () => Observe((await AcceptAsync(grains, request.Model, ToGeneration(request), session, logger, aborted)).Events));
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

    private static GenerationRequest ToGeneration(ChatRequest request) => new()
    {
        Messages = request.Messages,
        Temperature = request.Temperature,
        TopP = request.TopP,
        Seed = request.Seed,
        MaxTokens = request.MaxTokens,
        Stop = request.Stop,
        IgnoreEos = request.IgnoreEos,
    };

    /// <summary>
    /// Collects a non-streamed answer. The client has seen nothing yet, so a worker lost mid-answer is
    /// replaced and the answer generated again.
    /// </summary>
    private static async Task<IResult> CompleteAsync(
        ResponseFrame frame, IAsyncEnumerator<GenerationEvent> events, TurnRecorder? recorder, Func<Task<IAsyncEnumerator<GenerationEvent>>> restart)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                return await CollectAsync(frame, events, recorder);
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

    private static async Task<IResult> CollectAsync(ResponseFrame frame, IAsyncEnumerator<GenerationEvent> events, TurnRecorder? recorder)
    {
        var content = new StringBuilder();
        var reasoning = new StringBuilder();
        try
        {
            while (await events.MoveNextAsync())
            {
                var update = events.Current;
                content.Append(update.Content);
                reasoning.Append(update.Reasoning);
                if (update.Summary is { } summary)
                {
                    if (recorder is not null)
                    {
                        await recorder.RecordAsync(summary, content.ToString(), reasoning.ToString());
                    }

                    var message = new AssistantMessage(content.ToString(), reasoning.Length > 0 ? reasoning.ToString() : null);
                    return Results.Json(
                        new ChatCompletion(frame.Id, frame.Created, frame.Model, frame.Model,
                            [new ChatChoice(0, message, FinishReasonOf(summary))], UsageOf(summary), TimingsOf(summary)),
                        OpenAiJsonContext.Default.ChatCompletion);
                }
            }

            throw new InvalidOperationException("The worker's stream ended without a result.");
        }
        finally
        {
            await Failover.DisposeQuietlyAsync(events);
        }
    }

    internal static string FinishReasonOf(GenerationSummary summary) =>
        summary.FinishReason == FinishReason.Length ? "length" : "stop";

    internal static Usage UsageOf(GenerationSummary summary) =>
        new(summary.PromptTokens, summary.CompletionTokens, new PromptTokensDetails(summary.CachedTokens));

    internal static Timings TimingsOf(GenerationSummary s) => new(
        s.PromptEvaluated, Round(s.PromptMs), Round(PerToken(s.PromptMs, s.PromptEvaluated)), Round(PerSecond(s.PromptEvaluated, s.PromptMs)),
        s.CompletionTokens, Round(s.PredictedMs), Round(PerToken(s.PredictedMs, s.CompletionTokens)), Round(PerSecond(s.CompletionTokens, s.PredictedMs)));

    private static double PerToken(double ms, int tokens) => tokens == 0 ? 0 : ms / tokens;

    private static double PerSecond(int tokens, double ms) => ms <= 0 ? 0 : tokens * 1000 / ms;

    private static double Round(double value) => Math.Round(value, 3);

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
