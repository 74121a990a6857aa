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
    private readonly List<LLamaToken>[] _cached; // per free slot: the tokens whose KV it still holds
    private readonly long[] _releasedAt; // per slot: when its last sequence ended, in completed requests
    private readonly ConcurrentQueue<Sequence> _waiting = new();
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
    private readonly ThroughputMeter _throughput = new(TimeProvider.System);

    public InferenceEngine(LoadedModel model, EngineOptions options, string name, ILogger logger)
    {
        _model = model;
        _options = options;
        _name = name;
        _logger = logger;
        _slots = new Sequence?[options.Parallel];
        _cached = [.. Enumerable.Range(0, options.Parallel).Select(_ => new List<LLamaToken>())];
        _releasedAt = new long[options.Parallel];
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
        Interlocked.Read(ref _generated), _throughput.PerSecond);

    /// <summary>
    /// Queues a prompt. The returned channel yields deltas and then one Finished event; cancelling
    /// <paramref name="cancellationToken"/> frees the sequence's slot at the next step.
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

        if (Interlocked.Increment(ref _queued) > _options.MaxQueue + FreeSlots)
        {
            Interlocked.Decrement(ref _queued);
            throw ServingException.Busy(retryAfterSeconds: 1);
        }

        var sequence = new Sequence(prompt, settings, _model.Weights.NativeHandle);
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
            sequence.Cancel();
            _wake.Set();
            Closed();
        });
        sequence.Output.Reader.Completion.ContinueWith(_ => Closed(), TaskScheduler.Default);
        _waiting.Enqueue(sequence);
        _wake.Set();
        return sequence.Output.Reader;
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

        while (FreeSlots > 0 && _waiting.TryDequeue(out var sequence))
        {
            Interlocked.Decrement(ref _queued);
            if (sequence.Cancelled)
            {
                sequence.Finish(FinishReason.Cancelled, _name);
                sequence.Dispose();
                continue;
            }

            var (slot, reuse) = PickSlot(sequence.Prompt);
            sequence.Id = (LLamaSeqId)slot;
            sequence.Admitted = Stopwatch.GetTimestamp();
            _context.NativeHandle.MemorySequenceRemove(sequence.Id, reuse, -1);
            sequence.Reuse(reuse);
            _cached[slot] = [];
            _slots[slot] = sequence;
            Interlocked.Increment(ref _busy);
        }
    }

    /// <summary>
    /// The free slot whose cached tokens share the longest prefix with <paramref name="prompt"/> (a
    /// system prompt, an earlier turn of the conversation) when that prefix is at least half the prompt,
    /// else the free slot released longest ago (so other slots keep their conversations); and how many
    /// cached tokens to keep. At least the prompt's last token is decoded again: its logits start the answer.
    /// </summary>
    private (int Slot, int Reuse) PickSlot(LLamaToken[] prompt)
    {
        var (best, common, oldest) = (-1, 0, -1);
        for (var slot = 0; slot < _slots.Length; slot++)
        {
            if (_slots[slot] is not null)
            {
                continue;
            }

            var shared = CommonPrefix(_cached[slot], prompt);
            if (shared > common)
            {
                (best, common) = (slot, shared);
            }

            if (oldest < 0 || _releasedAt[slot] < _releasedAt[oldest])
            {
                oldest = slot;
            }
        }

        return best >= 0 && common * 2 >= prompt.Length ? (best, Math.Min(common, prompt.Length - 1)) : (oldest, 0);
    }

    private static int CommonPrefix(List<LLamaToken> cached, LLamaToken[] prompt)
    {
        var length = Math.Min(cached.Count, prompt.Length);
        var common = 0;
        while (common < length && cached[common] == prompt[common])
        {
            common++;
        }

        return common;
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
            if (sequence is null || sequence.Generating || budget == 0)
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

        for (var slot = 0; slot < _slots.Length; slot++)
        {
            if (_slots[slot] is { BatchIndex: >= 0 } sequence)
            {
                Sample(slot, sequence);
            }
        }
    }

    private void Sample(int slot, Sequence sequence)
    {
        var token = sequence.Sampler.Sample(_context.NativeHandle, sequence.BatchIndex);
        sequence.BatchIndex = -1;
        sequence.LastToken = token;
        Interlocked.Increment(ref _generated);
        _throughput.Add();
        if (!sequence.Settings.IgnoreEos && token.IsEndOfGeneration(_model.Weights.Vocab))
        {
            sequence.CountFinalToken();
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
        _cached[slot] = sequence.Decoded;
        _releasedAt[slot] = Interlocked.Read(ref _completed) + 1;
        _slots[slot] = null;
        Interlocked.Decrement(ref _busy);
        Interlocked.Increment(ref _completed);
        sequence.Finish(reason, _name);
        sequence.Dispose();
    }

    private void FailAll(Exception error)
    {
        Array.ForEach(_cached, cached => cached.Clear());
        for (var slot = 0; slot < _slots.Length; slot++)
        {
            if (_slots[slot] is { } sequence)
            {
                _slots[slot] = null;
                Interlocked.Decrement(ref _busy);
                sequence.Fail(error);
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
