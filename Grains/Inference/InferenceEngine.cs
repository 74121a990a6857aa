using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using LLama;
using LLama.Common;
using LLama.Native;
using Microsoft.Extensions.Logging;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Grains.Inference;

/// <summary>
/// Continuous batching over one llama context: a dedicated thread runs decode steps in which every
/// generating sequence contributes one token and prefilling sequences fill the rest of the batch with
/// prompt chunks. Sequences join and leave between steps; each has its own sampler and output channel.
/// </summary>
internal sealed class InferenceEngine : IDisposable
{
    private readonly LoadedModel _model;
    private readonly LLamaContext _context;
    private readonly EngineOptions _options;
    private readonly string _name;
    private readonly ILogger _logger;
    private readonly Sequence?[] _slots;
    private readonly SlotCache _cache;
    private readonly ConcurrentQueue<Request> _waiting = new();
    private readonly ManualResetEventSlim _wake = new();
    private readonly LLamaBatch _batch = new();
    private readonly Thread _thread;
    private volatile bool _stopping;
    private volatile bool _draining;
    private int _queued;
    private int _busy;
    private int _unread; // accepted sequences whose caller is still reading
    private long _steps;
    private long _sharedSteps;
    private int _maxPerStep;
    private long _completed;
    private long _generated;
    private long _promptEvaluated;
    private readonly ThroughputMeter _throughput = new(TimeProvider.System);

    public InferenceEngine(LoadedModel model, EngineOptions options, string name, ILogger logger)
    {
        _model = model;
        _options = options;
        _name = name;
        _logger = logger;
        _slots = new Sequence?[options.Parallel];
        _cache = new SlotCache(options.Parallel);
        var parameters = new ModelParams(model.Path)
        {
            ContextSize = (uint)(options.Parallel * options.ContextSize),
            SeqMax = (uint)options.Parallel,
            BatchSize = (uint)options.BatchSize,
            UBatchSize = (uint)options.BatchSize,
            Threads = options.Threads,
            BatchThreads = options.Threads,
            KVUnified = true,
        };
        _context = model.Weights.CreateContext(parameters);
        _thread = new Thread(Run) { IsBackground = true, Name = $"decode {name}" };
        _thread.Start();
    }

    public LoadedModel Model => _model;

    public EngineOptions Options => _options;

    public EngineCounters Counters => new(
        Volatile.Read(ref _busy), _slots.Length, Volatile.Read(ref _queued), Interlocked.Read(ref _steps),
        Interlocked.Read(ref _sharedSteps), Volatile.Read(ref _maxPerStep), Interlocked.Read(ref _completed),
        Interlocked.Read(ref _generated), _throughput.PerSecond, Interlocked.Read(ref _promptEvaluated));

    /// <summary>
    /// Queues a prompt. The returned channel yields deltas and one Finished event per choice, then
    /// completes; cancelling <paramref name="cancellationToken"/> frees the request's slots at the next step.
    /// </summary>
    public ChannelReader<GenerationEvent> Submit(LLamaToken[] prompt, SamplingSettings settings, CancellationToken cancellationToken)
    {
        if (_stopping || _draining)
        {
            throw ServingException.WorkerStopped(_name);
        }

        if (prompt.Length + 1 > _options.ContextSize)
        {
            throw ServingException.ContextLengthExceeded(prompt.Length, _options.ContextSize);
        }

        Validate(settings);
        if (Interlocked.Increment(ref _queued) > _options.MaxQueue + FreeSlots)
        {
            Interlocked.Decrement(ref _queued);
            throw ServingException.Busy(retryAfterSeconds: 1);
        }

        var request = new Request(prompt, settings, _model);
        Interlocked.Increment(ref _unread);
        var counted = 1;
        void Closed()
        {
            if (Interlocked.Exchange(ref counted, 0) == 1)
            {
                Interlocked.Decrement(ref _unread);
            }
        }

        // The caller cancels when it stops reading (early or not); a caller that never cancels reads to the end.
        cancellationToken.Register(() =>
        {
            request.Cancel();
            _wake.Set();
            Closed();
        });
        request.Output.Completion.ContinueWith(_ => Closed(), TaskScheduler.Default);
        _waiting.Enqueue(request);
        _wake.Set();
        return request.Output;
    }

    /// <summary>Refuses new requests from now on; the ones already accepted run to their end.</summary>
    public void Drain() => _draining = true;

    /// <summary>Every accepted request has finished and its output has been read.</summary>
    public bool Idle => Volatile.Read(ref _unread) == 0;

    public void Dispose()
    {
        _stopping = true;
        _wake.Set();
        _thread.Join();
        _context.Dispose();
        _wake.Dispose();
    }

    private void Validate(SamplingSettings settings)
    {
        if (settings.N < 1 || settings.N > _slots.Length)
        {
            throw new ServingException(400, "invalid_value", $"n must be between 1 and {_slots.Length} for this model (its parallel slots); got {settings.N}.", "n");
        }

        if (settings.Grammar is { } grammar && !GrammarCheck.Parses(_model.Weights.NativeHandle, grammar))
        {
            throw new ServingException(400, "invalid_grammar", "The grammar could not be parsed as GBNF with a 'root' rule.", "grammar");
        }
    }

    private int FreeSlots => _slots.Length - Volatile.Read(ref _busy);

    private void Run()
    {
        try
        {
            while (!_stopping)
            {
                _wake.Reset();
                Admit();
                if (Volatile.Read(ref _busy) == 0)
                {
                    _wake.Wait();
                    continue;
                }

                Step();
            }
        }
        catch (Exception error)
        {
            _logger.LogError(error, "Decode loop of {Worker} failed", _name);
            _stopping = true;
            FailAll(error);
            return;
        }

        FailAll(new ServingException(503, "worker_stopped", $"Worker {_name} stopped."));
    }

    private void Admit()
    {
        for (var slot = 0; slot < _slots.Length; slot++)
        {
            if (_slots[slot] is { Cancelled: true } cancelled)
            {
                Release(slot, cancelled, FinishReason.Cancelled);
            }
        }

        while (_waiting.TryPeek(out var request) && (request.Cancelled || request.Choices.Length <= FreeSlots))
        {
            _waiting.TryDequeue(out _);
            Interlocked.Decrement(ref _queued);
            if (request.Cancelled)
            {
                Array.ForEach(request.Choices, choice => choice.Finish(FinishReason.Cancelled, _name));
                request.Dispose();
                continue;
            }

            foreach (var choice in request.Choices)
            {
                // Later choices copy choice 0's prompt KV: their slots only need to be free.
                var (slot, reuse) = choice.Choice == 0 ? _cache.Pick(_slots, choice.Prompt) : (_cache.Oldest(_slots), 0);
                choice.Id = (LLamaSeqId)slot;
                choice.Admitted = Stopwatch.GetTimestamp();
                _context.NativeHandle.MemorySequenceRemove(choice.Id, reuse, -1);
                choice.Reuse(reuse);
                _cache.Take(slot);
                _slots[slot] = choice;
                Interlocked.Increment(ref _busy);
            }
        }
    }

    private void Step()
    {
        _batch.Clear();
        var budget = _options.BatchSize;
        var sequencesInStep = 0;
        foreach (var sequence in _slots)
        {
            if (sequence is { Generating: true })
            {
                sequence.Decoded.Add(sequence.LastToken);
                sequence.BatchIndex = _batch.Add(sequence.LastToken, sequence.Position++, sequence.Id, logits: true);
                budget--;
                sequencesInStep++;
            }
        }

        foreach (var sequence in _slots)
        {
            if (sequence is null || sequence.Generating || sequence.AwaitsPrompt || budget == 0)
            {
                continue;
            }

            sequence.MarkPromptStarted();
            var chunk = Math.Min(budget, sequence.Prompt.Length - sequence.Prefilled);
            for (var i = 0; i < chunk; i++)
            {
                var last = sequence.Prefilled + 1 == sequence.Prompt.Length;
                sequence.Decoded.Add(sequence.Prompt[sequence.Prefilled]);
                var index = _batch.Add(sequence.Prompt[sequence.Prefilled++], sequence.Position++, sequence.Id, logits: last);
                sequence.BatchIndex = last ? index : -1;
            }

            budget -= chunk;
            sequencesInStep++;
            Interlocked.Add(ref _promptEvaluated, chunk);
        }

        var result = _context.NativeHandle.Decode(_batch);
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"llama_decode returned {result} for a batch of {_batch.TokenCount} tokens.");
        }

        Interlocked.Increment(ref _steps);
        if (sequencesInStep > 1)
        {
            Interlocked.Increment(ref _sharedSteps);
        }

        if (sequencesInStep > _maxPerStep)
        {
            Volatile.Write(ref _maxPerStep, sequencesInStep);
        }

        foreach (var sequence in _slots)
        {
            if (sequence is { BatchIndex: >= 0, Generated: 0, Choice: 0 })
            {
                sequence.MarkPromptDone();
                StartOtherChoices(sequence);
            }
        }

        for (var slot = 0; slot < _slots.Length; slot++)
        {
            if (_slots[slot] is { BatchIndex: >= 0 } sequence)
            {
                Sample(slot, sequence);
            }
        }
    }

    // Choice 0 has just evaluated the prompt: the other choices share its KV and sample from its last logits.
    private void StartOtherChoices(Sequence first)
    {
        foreach (var choice in first.Request.Choices)
        {
            if (choice.AwaitsPrompt && _slots[(int)choice.Id] == choice)
            {
                _context.NativeHandle.MemorySequenceCopy(first.Id, choice.Id, 0, -1);
                choice.StartFrom(first);
            }
        }
    }

    private void Sample(int slot, Sequence sequence)
    {
        var sampled = sequence.Sampler.Sample(_context.NativeHandle, sequence.BatchIndex);
        sequence.BatchIndex = -1;
        if (sampled is not { } token)
        {
            Release(slot, sequence, new ServingException(400, "grammar_dead_end",
                "The grammar allows no token to continue the output; check that every rule can be completed.", "grammar"));
            return;
        }

        sequence.LastToken = token;
        Interlocked.Increment(ref _generated);
        _throughput.Add();
        if (!sequence.Settings.IgnoreEos && token.IsEndOfGeneration(_model.Weights.Vocab))
        {
            sequence.CountFinalToken(token);
            Release(slot, sequence, FinishReason.Stop);
        }
        else if (sequence.Accept(token))
        {
            Release(slot, sequence, FinishReason.Stop);
        }
        else if (sequence.Generated >= sequence.Settings.MaxTokens || sequence.Position >= _options.ContextSize)
        {
            Release(slot, sequence, FinishReason.Length);
        }
    }

    // The sequence's KV stays in its slot (see PickSlot): the next request sharing its prefix skips that part.
    private void Release(int slot, Sequence sequence, FinishReason reason)
    {
        Vacate(slot, sequence);
        sequence.Finish(reason, _name);
    }

    // Ends the whole request with an error; its other choices are cancelled and leave at the next step.
    private void Release(int slot, Sequence sequence, Exception error)
    {
        Vacate(slot, sequence);
        sequence.Request.Fail(error);
    }

    private void Vacate(int slot, Sequence sequence)
    {
        _cache.Release(slot, sequence.Decoded, Interlocked.Read(ref _completed) + 1);
        _slots[slot] = null;
        Interlocked.Decrement(ref _busy);
        Interlocked.Increment(ref _completed);
        sequence.Dispose();
    }

    private void FailAll(Exception error)
    {
        _cache.Clear();
        for (var slot = 0; slot < _slots.Length; slot++)
        {
            if (_slots[slot] is { } sequence)
            {
                _slots[slot] = null;
                Interlocked.Decrement(ref _busy);
                sequence.Request.Fail(error);
                sequence.Dispose();
            }
        }

        while (_waiting.TryDequeue(out var waiting))
        {
            Interlocked.Decrement(ref _queued);
            waiting.Fail(error);
            waiting.Dispose();
        }
    }
}
