using System.Diagnostics;
using Microsoft.Extensions.Options;
using Polly;
using Verge.Orleans.Gateway.Limits;
using Verge.Orleans.Gateway.Operations;
using Verge.Orleans.Gateway.OpenAi;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Identity;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Abstractions.Resilience;
using Verge.Orleans.Grains.Abstractions.Sessions;

namespace Verge.Orleans.Gateway.Serving;

/// <summary>
/// Runs one generation for any API family (chat completions, and the adapters built on it): the
/// assistant plans it, a worker accepts it, and its events are handed out observed by the serving
/// metrics. A worker lost before it accepted (its silo died or is draining) costs the client nothing:
/// the request is planned again; one lost while generating hands the answer over (<see cref="MigratingEvents"/>).
/// </summary>
internal sealed class GenerationRunner(
    IGrainFactory grains, ServingMetrics metrics, LimitGate limits, IHttpContextAccessor http, IOptions<MigrationOptions> migration,
    ILogger<GenerationRunner> logger)
{
    private readonly ResiliencePipeline _planning = SiloLoss.Pipeline((error, attempt) =>
        logger.LogWarning("Attempt {Attempt} to place a request failed ({Error}); retrying", attempt, error.Message));

    /// <summary>
    /// Plans <paramref name="request"/> on <paramref name="assistant"/> and waits until a worker accepts it.
    /// Everything that refuses the request (unknown assistant, prompt too long, capacity) throws here,
    /// before any token.
    /// </summary>
    public Task<Generation> StartAsync(
        string assistant, GenerationRequest request, SessionRequest? session, string requestId, CancellationToken aborted) =>
        StartAsync(http.HttpContext?.Features.Get<ApiKeyGrant>(), http.HttpContext?.Response, Route, assistant, request, session, requestId, aborted);

    /// <summary>
    /// The console's way in: a streamed generation for <paramref name="grant"/>'s user, under the same limits
    /// and metrics as the APIs'. Dispose the generation's <see cref="Generation.Lease"/> when the answer ends.
    /// </summary>
    public Task<Generation> StartAsync(
        ApiKeyGrant grant, string assistant, GenerationRequest request, SessionRequest? session, string requestId, CancellationToken aborted) =>
        StartAsync(grant, response: null, ConsoleRoute, assistant, request, session, requestId, aborted);

    private async Task<Generation> StartAsync(
        ApiKeyGrant? grant, HttpResponse? response, string route,
        string assistant, GenerationRequest request, SessionRequest? session, string requestId, CancellationToken aborted)
    {
        var arrived = Stopwatch.GetTimestamp();
        Admission? admission = null;
        if (grant is not null)
        {
            // Workers share their slots fairly between the users (and keys) whose requests wait.
            request = request with { User = grant.User, Key = grant.KeyId, Weight = grant.Weight };

            // Every generation of every API passes here, so limits and usage cover routes added later too.
            admission = await limits.AdmitAsync(response, grant, assistant, aborted);
        }

        if (session is not null)
        {
            request = request with { Conversation = true }; // its next turn comes back: keep its prefix warm
        }

        // Sampling draws depend only on the seed and the position, so a worker taking the answer over goes on
        // exactly as the lost one would have: the seed is fixed here, once.
        request = request with { Seed = request.Seed ?? (uint)Random.Shared.Next() };
        try
        {
            var accepted = await AcceptAsync(assistant, request, session, aborted);
            async Task<(IAsyncEnumerator<GenerationEvent>, string)> ContinueAsync(GenerationRequest continuation)
            {
                var next = await AcceptAsync(assistant, continuation, session, aborted);
                return (next.Events, next.Worker);
            }

            var events = new MigratingEvents(accepted.Events, accepted.Worker, request, ContinueAsync, migration.Value, logger, aborted);
            var observed = metrics.Observe(events, new Served(assistant, route), arrived, requestId);
            return new Generation(admission?.Meter(observed, request.N) ?? observed, accepted.Session, accepted.PromptTokens)
            {
                Lease = admission,
            };
        }
        catch (Exception) when (admission is not null)
        {
            await admission.DisposeAsync(); // refused by the assistant or the worker: its concurrency is free at once
            throw;
        }
    }

    /// <summary>
    /// The prompt tokens <paramref name="request"/> uses on <paramref name="assistant"/>: planned as a
    /// generation would be (system prompt, think mode, template) and tokenized on the chosen worker.
    /// </summary>
    public async Task<int> CountTokensAsync(string assistant, GenerationRequest request, CancellationToken aborted) =>
        await SiloLoss.Retry.ExecuteAsync(async _ =>
        {
            var plan = await grains.GetGrain<IAssistantGrain>(assistant).PlanAsync(request);
            return await grains.GetGrain<IModelWorkerGrain>(plan.Worker).CountTokensAsync(plan.Request);
        }, aborted);

    /// <summary>Counts a request refused before it started, under its status.</summary>
    public void Refused(string assistant, int status) => metrics.Refused(assistant, status, Route);

    private const string ConsoleRoute = "console";

    // The route pattern (a handful of values: /v1/chat/completions, /v1/messages, ...), never the raw path.
    private string Route => (http.HttpContext?.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "";

    /// <summary>
    /// Collects a whole answer of <paramref name="choices"/> choices. <paramref name="completing"/> runs once
    /// the answer is complete, before it is returned (a chat session stores its turn there).
    /// </summary>
    public static async Task<CompletionAccumulator> CollectAsync(Generation generation, int choices, Func<CompletionAccumulator, Task>? completing = null)
    {
        var answer = new CompletionAccumulator(choices);
        var events = generation.Events;
        try
        {
            while (!answer.Complete && await events.MoveNextAsync())
            {
                answer.Add(events.Current);
            }

            if (!answer.Complete)
            {
                throw new InvalidOperationException("The worker's stream ended without a result.");
            }

            if (completing is not null)
            {
                await completing(answer);
            }

            return answer;
        }
        finally
        {
            await events.DisposeAsync();
        }
    }

    private async Task<Accepted> AcceptAsync(string assistant, GenerationRequest request, SessionRequest? session, CancellationToken aborted) =>
        await _planning.ExecuteAsync(async cancel =>
        {
            IAsyncEnumerator<GenerationEvent>? events = null;
            try
            {
                var planner = grains.GetGrain<IAssistantGrain>(assistant);
                var planning = session is null ? planner.PlanAsync(request) : planner.PlanInSessionAsync(request, session);
                // A continuation is planned while a silo is known to be failing: a plan that does not come back
                // quickly waited on that silo's grains, and is tried again (they move once it is declared dead).
                var plan = await (request.Continuation.Count > 0 ? planning.WaitAsync(migration.Value.StallTimeout, cancel) : planning);
                events = grains.GetGrain<IModelWorkerGrain>(plan.Worker).GenerateAsync(plan.Request, aborted).GetAsyncEnumerator(aborted);
                if (!await events.MoveNextAsync() || events.Current.Kind != GenerationEventKind.Accepted)
                {
                    throw new InvalidOperationException("The worker ended the stream before accepting the request.");
                }

                return new Accepted(events, plan.Worker, plan.Session, events.Current.PromptTokens);
            }
            catch (Exception)
            {
                await MigratingEvents.DisposeQuietlyAsync(events);
                throw;
            }
        }, aborted);

    private sealed record Accepted(IAsyncEnumerator<GenerationEvent> Events, string Worker, SessionRecording? Session, int PromptTokens);
}
