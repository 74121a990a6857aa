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
    SiloWatch silos, ILogger<GenerationRunner> logger)
{
    private readonly ResiliencePipeline _planning = SiloLoss.Pipeline((error, attempt) =>
        logger.LogWarning("Attempt {Attempt} to place a request failed ({Error}); retrying", attempt, error.Message));

    private readonly ResiliencePipeline<CompletionPlan> _hedgedPlan = SiloLoss.Hedging<CompletionPlan>();

    private readonly ResiliencePipeline<WorkerStatus> _hedgedStart = SiloLoss.Hedging<WorkerStatus>();

    /// <summary>
    /// Plans <paramref name="request"/> on <paramref name="assistant"/> and waits until a worker accepts it
    /// and its first token (or its end) comes. Everything that refuses the request (unknown assistant, prompt
    /// too long, capacity, a wait for a slot that ran out) throws here, before any byte of the response.
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
            async Task<AcceptedStream> ContinueAsync(GenerationRequest continuation, string lostSilo) =>
                (await AcceptAsync(assistant, continuation, session, aborted, lostSilo)).Stream;

            var events = await StartedEvents.WaitAsync(new MigratingEvents(accepted.Stream, request, ContinueAsync, silos, migration.Value, logger, aborted));
            var observed = metrics.Observe(events, new Served(assistant, route), arrived, requestId);
            return new Generation(admission?.Meter(observed, request.N) ?? observed, accepted.Session, accepted.PromptTokens)
            {
                Lease = admission,
            };
        }
        catch (Exception error)
        {
            if (aborted.IsCancellationRequested && error is OperationCanceledException)
            {
                metrics.Refused(assistant, 499, route); // the client left before its first token
            }

            if (admission is not null)
            {
                await admission.DisposeAsync(); // refused by the assistant or the worker: its concurrency is free at once
            }

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

    private async Task<Accepted> AcceptAsync(
        string assistant, GenerationRequest request, SessionRequest? session, CancellationToken aborted, string lostSilo = "") =>
        await _planning.ExecuteAsync(async cancel =>
        {
            var continuing = request.Continuation.Count > 0;
            IAsyncEnumerator<GenerationEvent>? events = null;
            try
            {
                var plan = continuing
                    ? await PlanContinuationAsync(assistant, request, session, lostSilo, cancel)
                    : await PlanAsync(assistant, request, session);
                events = grains.GetGrain<IModelWorkerGrain>(plan.Worker).GenerateAsync(plan.Request, aborted).GetAsyncEnumerator(aborted);
                var accepting = events.MoveNextAsync();
                // A continuation's worker is loaded by now: one that does not accept at once is tried again.
                if (!(continuing ? await accepting.AsTask().WaitAsync(migration.Value.StallTimeout, cancel) : await accepting)
                    || events.Current.Kind != GenerationEventKind.Accepted)
                {
                    throw new InvalidOperationException("The worker ended the stream before accepting the request.");
                }

                var stream = new AcceptedStream(events, plan.Worker, events.Current.Silo ?? "");
                return new Accepted(stream, plan.Session, events.Current.PromptTokens);
            }
            catch (Exception)
            {
                await MigratingEvents.DisposeQuietlyAsync(events);
                throw;
            }
        }, aborted);

    private Task<CompletionPlan> PlanAsync(string assistant, GenerationRequest request, SessionRequest? session)
    {
        var planner = grains.GetGrain<IAssistantGrain>(assistant);
        return session is null ? planner.PlanAsync(request) : planner.PlanInSessionAsync(request, session);
    }

    // A continuation is planned right after a silo died or hung, so its calls are hedged (SiloLoss.Hedging), and
    // its worker is loaded (again, elsewhere, when it ran on that silo) before the stream opens. A plan still
    // waiting after the stall timeout waited on a grain of that silo or on a model loading: it is asked again.
    private async Task<CompletionPlan> PlanContinuationAsync(
        string assistant, GenerationRequest request, SessionRequest? session, string lostSilo, CancellationToken cancel)
    {
        var plan = await _hedgedPlan.ExecuteAsync(
            async attempt => await PlanAsync(assistant, request, session).WaitAsync(migration.Value.StallTimeout, attempt), cancel);
        if (request.AvoidWorkers.Contains(plan.Worker))
        {
            // The model has no other worker: the lost one starts again on another silo once membership declares
            // its silo dead (until then its calls go to the hung silo and are never answered). A silo that is
            // not declared dead within the bound is alive after all, and its worker is asked again.
            await silos.WhenDeadAsync(lostSilo, SiloWatch.DeclarationBound, cancel);
        }

        var worker = grains.GetGrain<IModelWorkerGrain>(plan.Worker);
        await _hedgedStart.ExecuteAsync(async attempt => await worker.StartAsync().WaitAsync(attempt), cancel);
        logger.LogDebug("Continuation of {Tokens} tokens planned on {Worker}", request.Continuation.Count, plan.Worker);
        return plan;
    }

    private sealed record Accepted(AcceptedStream Stream, SessionRecording? Session, int PromptTokens);
}
