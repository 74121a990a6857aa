using System.Collections.Concurrent;
using LLama;
using LLama.Common;
using LLama.Native;
using Microsoft.Extensions.Logging;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Grains.Inference;

/// <summary>
/// Embeddings over one llama context with pooling on: a dedicated thread packs waiting inputs, from any
/// number of requests, into one batch (each input its own sequence), decodes it once and reads one pooled
/// vector per sequence. Every input fits one decode whole, so pooling always sees a whole sequence.
/// </summary>
internal sealed class EmbeddingEngine : IWorkerEngine
{
    private readonly LLamaContext _context;
    private readonly EmbeddingOptions _options;
    private readonly string _name;
    private readonly ILogger _logger;
    private readonly ConcurrentQueue<(EmbeddingJob Job, int Index)> _waiting = new();
    private readonly ManualResetEventSlim _wake = new();
    private readonly LLamaBatch _batch = new();
    private readonly List<(EmbeddingJob Job, int Index)> _decoding = [];
    private readonly EngineStats _stats = new();
    private readonly Thread _thread;
    private volatile bool _stopping;
    private volatile bool _draining;
    private int _jobs; // accepted requests not yet complete

    public EmbeddingEngine(LoadedModel model, EmbeddingOptions options, string name, ILogger logger)
    {
        Model = model;
        _options = options;
        _name = name;
        _logger = logger;
        var parameters = new ModelParams(model.Path)
        {
            ContextSize = (uint)options.BatchTokens,
            BatchSize = (uint)options.BatchTokens,
            UBatchSize = (uint)options.BatchTokens,
            SeqMax = (uint)options.Parallel,
            Threads = options.Threads,
            BatchThreads = options.Threads,
            Embeddings = true,
            PoolingType = options.Pooling,
            KVUnified = true,
        };
        _context = model.Weights.CreateContext(parameters);
        Dimensions = _context.EmbeddingSize;
        _thread = new Thread(Run) { IsBackground = true, Name = $"embed {name}" };
        _thread.Start();
    }

    public LoadedModel Model { get; }

    public EmbeddingOptions Options => _options;

    /// <summary>Components of each pooled vector.</summary>
    public int Dimensions { get; }

    public EngineCounters Counters => _stats.Snapshot(Math.Min(Volatile.Read(ref _jobs), _options.Parallel), _options.Parallel, Math.Max(0, Volatile.Read(ref _jobs) - _options.Parallel));

    public bool Idle => Volatile.Read(ref _jobs) == 0;

    public void Drain() => _draining = true;

    /// <summary>
    /// Queues the inputs and returns their unit-length vectors in order. Throws <see cref="ServingException"/>
    /// for an input that is empty or longer than the context, a token outside the vocabulary, or a full queue.
    /// </summary>
    public Task<float[][]> EmbedAsync(IReadOnlyList<LLamaToken[]> inputs, CancellationToken cancellationToken)
    {
        if (_stopping || _draining)
        {
            throw ServingException.WorkerStopped(_name);
        }

        EmbeddingInputs.Validate(inputs, _options.ContextSize, Model.Weights.Vocab.Count);
        if (Interlocked.Increment(ref _jobs) > _options.MaxQueue + _options.Parallel)
        {
            Interlocked.Decrement(ref _jobs);
            throw ServingException.Busy(retryAfterSeconds: 1);
        }

        var job = new EmbeddingJob(inputs);
        job.Completion.ContinueWith(_ => Interlocked.Decrement(ref _jobs), TaskScheduler.Default);
        var registration = cancellationToken.Register(job.Cancel);
        job.Completion.ContinueWith(_ => registration.Dispose(), TaskScheduler.Default);
        for (var index = 0; index < inputs.Count; index++)
        {
            _waiting.Enqueue((job, index));
        }

        _wake.Set();
        return job.Completion;
    }

    public void Dispose()
    {
        _stopping = true;
        _wake.Set();
        _thread.Join();
        _context.Dispose();
        _wake.Dispose();
    }

    private void Run()
    {
        try
        {
            while (!_stopping)
            {
                _wake.Reset();
                if (!Fill())
                {
                    _wake.Wait();
                    continue;
                }

                Decode();
            }
        }
        catch (Exception error)
        {
            _logger.LogError(error, "Embedding loop of {Worker} failed", _name);
            _stopping = true;
            FailAll(error);
            return;
        }

        FailAll(ServingException.WorkerStopped(_name));
    }

    // Takes waiting inputs in arrival order while they fit the batch's tokens and sequences.
    private bool Fill()
    {
        _batch.Clear();
        _decoding.Clear();
        while (_decoding.Count < _options.Parallel && _waiting.TryPeek(out var next)
            && (next.Job.Ended || _batch.TokenCount + next.Job.Inputs[next.Index].Length <= _options.BatchTokens))
        {
            _waiting.TryDequeue(out _);
            if (next.Job.Ended)
            {
                continue;
            }

            var sequence = (LLamaSeqId)_decoding.Count;
            var tokens = next.Job.Inputs[next.Index];
            for (var position = 0; position < tokens.Length; position++)
            {
                _batch.Add(tokens[position], position, sequence, true);
            }

            _decoding.Add(next);
        }

        return _decoding.Count > 0;
    }

    private void Decode()
    {
        var result = _context.NativeHandle.Decode(_batch);
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"llama_decode failed: {result}");
        }

        _stats.Step(_decoding.Count);
        _stats.PromptEvaluated(_batch.TokenCount);
        for (var sequence = 0; sequence < _decoding.Count; sequence++)
        {
            var (job, index) = _decoding[sequence];
            job.Set(index, _context.NativeHandle.GetEmbeddingsSeq((LLamaSeqId)sequence));
            if (job.Completion.IsCompletedSuccessfully)
            {
                _stats.RequestCompleted();
            }
        }

        // The batch's KV is of no use to the next one: every decode starts from an empty memory.
        _context.NativeHandle.MemoryClear(true);
    }

    private void FailAll(Exception error)
    {
        foreach (var (job, _) in _decoding)
        {
            job.Fail(error);
        }

        while (_waiting.TryDequeue(out var waiting))
        {
            waiting.Job.Fail(error);
        }
    }
}
