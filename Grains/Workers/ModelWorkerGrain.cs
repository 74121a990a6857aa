using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using LLama.Native;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Verge.Orleans.Grains.Placement;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Inference;
using Verge.Orleans.Grains.Routing;

namespace Verge.Orleans.Grains.Workers;

/// <summary>
/// A model worker: a façade over the engine the silo's <see cref="InferenceService"/> runs for it.
/// Reentrant because the engine serializes access to the llama context itself and many streams
/// must run through this grain at once. It pushes its load and prefix digest to its model grain
/// whenever they change (a request accepted or finished), so routing never asks.
/// </summary>
[Reentrant]
[KeepAlive]
[GpuPlacement]
internal sealed class ModelWorkerGrain(InferenceService inference, ILogger<ModelWorkerGrain> logger) : Grain, IModelWorkerGrain
{
    private readonly PrefixDigest _digest = new();
    private IWorkerEngine? _engine;
    private Task<IWorkerEngine>? _starting;
    private long _sequence = DateTime.UtcNow.Ticks; // a later activation's reports rank after this one's
    private bool _changed;
    private Task _reporting = Task.CompletedTask;

    private string Key => this.GetPrimaryKeyString();

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_engine is not null)
        {
            logger.LogInformation("Worker {Worker} stops: {Reason}", Key, reason);
            inference.Stop(Key);
        }

        return Task.CompletedTask;
    }

    async Task<WorkerStatus> IModelWorkerGrain.StartAsync()
    {
        await EnsureStartedAsync();
        Changed();
        return Status();
    }

    Task<WorkerStatus> IModelWorkerGrain.GetStatusAsync() => Task.FromResult(Status());

    Task IModelWorkerGrain.StopAsync()
    {
        if (_engine is not null)
        {
            inference.Stop(Key);
            _engine = null;
            _starting = null;
        }

        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    async Task<int> IModelWorkerGrain.CountTokensAsync(GenerationRequest request)
    {
        var engine = await EnsureStartedAsync() as InferenceEngine ?? throw ServingException.WrongRole(WorkerKey.Parse(Key).Model, embeddingModel: true);
        return PromptFitter.Fit(engine.Model, request, engine.Options.ContextSize, engine.Options.InsertThinkTag).Tokens.Length;
    }

    async IAsyncEnumerable<GenerationEvent> IModelWorkerGrain.GenerateAsync(
        GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var engine = await EnsureStartedAsync() as InferenceEngine ?? throw ServingException.WrongRole(WorkerKey.Parse(Key).Model, embeddingModel: true);
        var model = engine.Model;
        var prompt = PromptFitter.Fit(model, request, engine.Options.ContextSize, engine.Options.InsertThinkTag);
        var settings = RequestSettings.For(request, model, prompt);
        var echo = request.Raw is { Echo: true } raw ? RawPromptTokenizer.EchoText(model, raw) : null;
        var echoed = new bool[request.N];
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var span = EngineTracing.StartGenerate(Key, prompt.Tokens.Length);
        ChannelReader<GenerationEvent> output;
        try
        {
            output = engine.Submit(prompt.Tokens, settings, abandon.Token, new Requester(request.User, request.Key, request.Weight),
                [.. request.Continuation.Select(token => (LLamaToken)token)]);
        }
        catch (ServingException) when (inference.Draining)
        {
            Changed(); // the router learns it drains before the gateway plans this request again
            throw;
        }

        _digest.Add(PromptBlocks.Of(request));
        Changed();
        try
        {
            yield return new GenerationEvent(GenerationEventKind.Accepted, PromptTokens: prompt.Tokens.Length) { Silo = this.RuntimeIdentity };
            await foreach (var update in WithHeartbeats(output))
            {
                if (update.Summary is { } summary)
                {
                    EngineTracing.RecordPhases(span, summary);
                }

                // An echo rides on each choice's first event, so the time to the first token stays the model's.
                if (echo is not null && update.Choice < echoed.Length && !echoed[update.Choice])
                {
                    echoed[update.Choice] = true;
                    yield return update with { Content = echo + update.Content };
                    continue;
                }

                yield return update;
            }
        }
        finally
        {
            // Runs when the caller stops enumerating early too: the sequence's slot is freed at the next step.
            abandon.Cancel();
            Changed();
        }
    }

    /// <summary>How often a stream with nothing new says it is alive: the gateway takes a silent one for a lost worker.</summary>
    internal static readonly TimeSpan HeartbeatPeriod = TimeSpan.FromMilliseconds(250);

    // The engine's events, and a heartbeat whenever none came for a period (queued, evaluating a long prompt).
    private static async IAsyncEnumerable<GenerationEvent> WithHeartbeats(ChannelReader<GenerationEvent> output)
    {
        while (true)
        {
            var ready = output.WaitToReadAsync();
            if (!ready.IsCompleted)
            {
                var waiting = ready.AsTask();
                while (await Task.WhenAny(waiting, Task.Delay(HeartbeatPeriod)) != waiting)
                {
                    yield return GenerationEvent.Heartbeat;
                }

                ready = new ValueTask<bool>(waiting);
            }

            if (!await ready)
            {
                yield break;
            }

            while (output.TryRead(out var update))
            {
                yield return update;
            }
        }
    }

    async Task<EmbeddingResult> IModelWorkerGrain.EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        var engine = await EnsureStartedAsync() as EmbeddingEngine ?? throw ServingException.WrongRole(WorkerKey.Parse(Key).Model, embeddingModel: false);
        if (request.Dimensions > engine.Dimensions)
        {
            throw new ServingException(400, "invalid_value",
                $"This model's embeddings have {engine.Dimensions} dimensions; 'dimensions' cannot be {request.Dimensions}.", "dimensions");
        }

        var weights = engine.Model.Weights;
        LLamaToken[][] inputs =
        [
            .. request.Texts.Select(text => weights.Tokenize(text, weights.Vocab.ShouldAddBOS, special: false, Encoding.UTF8)),
            .. request.Tokens.Select(tokens => tokens.Select(token => (LLamaToken)token).ToArray()),
        ];
        var embedding = engine.EmbedAsync(inputs, cancellationToken);
        Changed();
        float[][] vectors;
        try
        {
            vectors = await embedding;
        }
        finally
        {
            Changed();
        }

        return new EmbeddingResult(
            request.Dimensions is { } dimensions ? [.. vectors.Select(vector => EmbeddingVectors.Normalized(vector, dimensions))] : vectors,
            inputs.Sum(input => input.Length),
            Key);
    }

    /// <summary>Sends the model grain a report now, or right after the one being sent: never two at once, the latest state always.</summary>
    private void Changed()
    {
        _changed = true;
        if (_reporting.IsCompleted)
        {
            _reporting = ReportAsync();
        }
    }

    private async Task ReportAsync()
    {
        while (_changed && _engine?.Counters is { } counters)
        {
            _changed = false;
            var report = new WorkerReport
            {
                Worker = Key,
                Silo = this.RuntimeIdentity,
                Sequence = ++_sequence,
                SlotsBusy = counters.SlotsBusy,
                SlotsTotal = counters.SlotsTotal,
                Queued = counters.Queued,
                Draining = inference.Draining,
                Prefixes = _digest.Snapshot(held: counters.SlotsTotal + counters.PromptCache.Entries),
            };
            try
            {
                await GrainFactory.GetGrain<IModelGrain>(WorkerKey.Parse(Key).Model).ReportAsync(report);
            }
            catch (Exception error)
            {
                logger.LogDebug("Worker {Worker} could not report to its model: {Error}", Key, error.Message);
            }
        }
    }

    // A failed start is not cached: the next request tries again (the file may have appeared).
    private Task<IWorkerEngine> EnsureStartedAsync() =>
        _starting is { IsFaulted: false, IsCanceled: false } ? _starting : _starting = StartEngineAsync();

    private async Task<IWorkerEngine> StartEngineAsync()
    {
        var worker = WorkerKey.Parse(Key);
        // Only a worker its model wants loads anything: a request planned just before a stop or a
        // retirement must not bring back a worker nobody tracks (the gateway plans it again).
        var spec = await GrainFactory.GetGrain<IModelGrain>(worker.Model).AdmitWorkerAsync(Key)
            ?? throw ServingException.WorkerStopped(Key);
        try
        {
            _engine = await Task.Run(() => inference.Start(Key, spec));
        }
        catch (Exception error) when (error is not ServingException)
        {
            logger.LogWarning(error, "Worker {Worker} could not load {Path}", Key, spec.Path);
            throw ServingException.NotReady(spec.Name, error.Message);
        }

        logger.LogInformation("Worker {Worker} serving {Model} with {Parallel} slots", Key, spec.Name, spec.Parallel);
        return _engine;
    }

    private WorkerStatus Status()
    {
        var counters = _engine?.Counters;
        return new WorkerStatus
        {
            Worker = Key,
            Model = WorkerKey.Parse(Key).Model,
            Silo = this.RuntimeIdentity,
            SlotsBusy = counters?.SlotsBusy ?? 0,
            SlotsTotal = counters?.SlotsTotal ?? 0,
            Queued = counters?.Queued ?? 0,
            Steps = counters?.Steps ?? 0,
            SharedSteps = counters?.SharedSteps ?? 0,
            MaxSequencesPerStep = counters?.MaxSequencesPerStep ?? 0,
            CompletedRequests = counters?.CompletedRequests ?? 0,
            GeneratedTokens = counters?.GeneratedTokens ?? 0,
            PromptTokensEvaluated = counters?.PromptTokensEvaluated ?? 0,
            PromptCacheHits = counters?.PromptCache.Hits ?? 0,
            PromptCacheMisses = counters?.PromptCache.Misses ?? 0,
            PromptCacheBytes = counters?.PromptCache.Bytes ?? 0,
            PromptCacheEntries = counters?.PromptCache.Entries ?? 0,
            PromptCacheEvictions = counters?.PromptCache.Evictions ?? 0,
            PromptCacheRestores = counters?.PromptCache.Restores ?? 0,
            State = counters is null ? WorkerStatus.Idle : inference.Draining ? WorkerStatus.Draining : WorkerStatus.Online,
            TokensPerSecond = Math.Round(counters?.TokensPerSecond ?? 0, 1),
            SiloResidentBytes = Environment.WorkingSet,
        };
    }
}
