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
internal sealed partial class InferenceEngine : IWorkerEngine
{
    private readonly LoadedModel _model;
    private readonly LLamaContext _context;
    private readonly EngineOptions _options;
    private readonly string _name;
    private readonly ILogger _logger;
    private readonly Sequence?[] _slots;
    private readonly SlotCache _cache;
    private readonly PromptCache _saved;
    private readonly FairQueue<Request> _waiting = new();
    private readonly ConcurrentQueue<Request> _arrivals = new(); // the waiting requests in arrival order, for their deadline
    private readonly ConcurrentDictionary<string, long> _lastAsked = new(); // user → when it last submitted (ms ticks)
    private readonly ManualResetEventSlim _wake = new();
    private readonly LLamaBatch _batch = new();
    private readonly Thread _thread;
    private volatile bool _stopping;
    private volatile bool _draining;
    private int _queued;
    private int _busy;
    private int _unread; // accepted sequences whose caller is still reading
    private readonly EngineStats _stats = new();

    public InferenceEngine(LoadedModel model, EngineOptions options, string name, ILogger logger)
    {
        _model = model;
        _options = options;
        _name = name;
        _logger = logger;
        _slots = new Sequence?[options.Parallel];
        _cache = new SlotCache(options.Parallel);
        (_copies, _copyTried) = (new PromptCacheEntry?[options.Parallel], new CopyTried[options.Parallel]);
        _saved = new PromptCache(options.PromptCacheBytes);
        var parameters = new ModelParams(model.Path)
        {
            ContextSize = (uint)(options.Parallel * options.ContextSize),
            SeqMax = (uint)options.Parallel,
            BatchSize = (uint)options.BatchSize,
            UBatchSize = (uint)options.BatchSize,
            Threads = options.Threads,
            BatchThreads = options.Threads,
            KVUnified = false,
            // llama.cpp's CPU flash attention: attention over a long context costs about a quarter less (a
            // conversation's tenth turn over 2.9k tokens started in 1.38 s instead of 1.84 s).
            FlashAttention = true,
        };
        _context = model.Weights.CreateContext(parameters);
        _thread = new Thread(Run) { IsBackground = true, Name = $"decode {name}" };
        _thread.Start();
    }

    public LoadedModel Model => _model;

    public EngineOptions Options => _options;

    public EngineCounters Counters => _stats.Snapshot(Volatile.Read(ref _busy), _slots.Length, Volatile.Read(ref _queued));

    /// <summary>
    /// Queues a prompt. The returned channel yields deltas and one Finished event per choice, then
    /// completes; cancelling <paramref name="cancellationToken"/> frees the request's slots at the next step.
    /// Waiting requests take free slots fairly between <paramref name="requester"/>s (see <see cref="FairQueue{T}"/>).
    /// A request taken over from a lost worker brings the output it had <paramref name="delivered"/> (one choice).
    /// </summary>
    public ChannelReader<GenerationEvent> Submit(
        LLamaToken[] prompt, SamplingSettings settings, CancellationToken cancellationToken, Requester? requester = null, LLamaToken[]? delivered = null)
    {
        if (_stopping || _draining)
        {
            throw ServingException.WorkerStopped(_name);
        }

        delivered ??= [];
        if (prompt.Length + delivered.Length + 1 > _options.ContextSize)
        {
            throw ServingException.ContextLengthExceeded(prompt.Length + delivered.Length, _options.ContextSize);
        }

        if (delivered.Length > 0 && settings.N != 1)
        {
            throw new ServingException(400, "invalid_value", "Only a request with one choice can be continued.", "n");
        }

        Request.Validate(settings, _slots.Length, _model);
        var ahead = Interlocked.Increment(ref _queued) - 1;
        var wait = _stats.EstimatedWait(ahead, FreeSlots, _slots.Length);
        if (ahead + 1 > _options.MaxQueue + FreeSlots || wait > _options.MaxQueueWait)
        {
            Interlocked.Decrement(ref _queued);
            throw ServingException.Busy(RetryAfterSeconds(wait));
        }

        var who = requester ?? Requester.Anonymous;
        _lastAsked[who.User] = Environment.TickCount64;
        var request = new Request(prompt, delivered, settings, _model, who);
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
            Dequeued(request);
            _wake.Set();
            Closed();
        });
        request.Output.Completion.ContinueWith(_ => Closed(), TaskScheduler.Default);
        _waiting.Enqueue(request, who.User, who.Key, Cost(prompt, settings), who.Weight);
        _arrivals.Enqueue(request);
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
        _saved.Dispose();
        _context.Dispose();
        _wake.Dispose();
    }

    private int FreeSlots => _slots.Length - Volatile.Read(ref _busy);

    /// <summary>
    /// The waiting request to admit now, if any: the fair queue's head when its slots are free, unless it
    /// would take the last free slot of a worker with four or more while another user asked something within <see cref="OthersWindowMs"/>;
    /// then the head of the other users' requests, so one user's backlog never holds every slot while
    /// someone else is around (their next request starts at once instead of waiting for a slot to free).
    /// </summary>
    private Request? NextToAdmit()
    {
        if (!_waiting.TryPeek(out var head))
        {
            return null;
        }

        if (head.Cancelled || (head.Choices.Length <= FreeSlots && !TakesTheLastSlotFromOthers(head)))
        {
            return _waiting.TryDequeue(out var taken) ? taken : null;
        }

        return head.Choices.Length <= FreeSlots
            && _waiting.TryPeek(out var other, head.Who.User) && other.Choices.Length <= FreeSlots && !TakesTheLastSlotFromOthers(other)
            && _waiting.TryDequeue(out var admitted, head.Who.User) ? admitted : null;
    }

    private const long OthersWindowMs = 30_000;

    private bool TakesTheLastSlotFromOthers(Request request)
    {
        // Below four slots one held back would cost a busy user too large a share of the worker.
        if (_slots.Length < 4 || request.Choices.Length < FreeSlots)
        {
            return false;
        }

        // Only a user already running something is held back: one with nothing running may always start.
        var user = request.Who.User;
        if (!_slots.Any(slot => slot?.Request.Who.User == user))
        {
            return false;
        }

        var now = Environment.TickCount64;
        return _lastAsked.Any(asked => asked.Key != user && now - asked.Value < OthersWindowMs);
    }

    // What a request will take, in tokens: its prompt and, per choice, its answer up to a typical length
    // (a max_tokens of "the rest of the context" must not make a short chat look huge).
    private static double Cost(LLamaToken[] prompt, SamplingSettings settings) =>
        prompt.Length + (double)Math.Min(settings.MaxTokens, 256) * settings.N;

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
                    if (!CopyIdleSlot())
                    {
                        _wake.Wait();
                    }

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

    /// <summary>The wait a request arriving now would have before its slot (see <see cref="EngineStats.EstimatedWait"/>).</summary>
    public TimeSpan EstimatedWait => _stats.EstimatedWait(Volatile.Read(ref _queued), FreeSlots, _slots.Length);

    // A request stops counting toward the queue once, whichever way it leaves it: a cancelled or expired one at
    // once (not when the fair queue reaches it later), so newcomers' wait estimates see only those still waiting.
    private void Dequeued(Request request)
    {
        if (request.LeaveQueue())
        {
            Interlocked.Decrement(ref _queued);
        }
    }

    private static int RetryAfterSeconds(TimeSpan wait) => (int)Math.Max(1, Math.Ceiling(wait.TotalSeconds));

    // A request still waiting past the bound is answered now (429) and skipped when its turn comes: its slot is never taken.
    private void ExpireWaiting()
    {
        var now = Stopwatch.GetTimestamp();
        while (_arrivals.TryPeek(out var oldest)
            && (oldest.Started || oldest.Cancelled || Stopwatch.GetElapsedTime(oldest.Enqueued, now) > _options.MaxQueueWait))
        {
            _arrivals.TryDequeue(out _);
            if (!oldest.Started && !oldest.Cancelled)
            {
                Dequeued(oldest); // first: the estimate it is answered with no longer counts it
                oldest.Fail(ServingException.Busy(RetryAfterSeconds(EstimatedWait)));
            }
        }
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

        while (NextToAdmit() is { } request)
        {
            if (request.Cancelled)
            {
                Dequeued(request);
                Array.ForEach(request.Choices, choice => choice.Finish(FinishReason.Cancelled, _name));
                request.Dispose();
                continue;
            }

            request.Started = true;
            foreach (var choice in request.Choices)
            {
                // Later choices copy choice 0's prompt KV: their slots only need to be free.
                var (slot, reuse) = choice.Choice == 0 ? Place(choice.Prompt) : (Empty(_cache.Oldest(_slots)), 0);
                choice.Id = (LLamaSeqId)slot;
                choice.Admitted = Stopwatch.GetTimestamp();
                choice.Reuse(reuse);
                Take(slot);
                _slots[slot] = choice;
                Interlocked.Increment(ref _busy);
            }

            // Only now: while its slots were being prepared (a prompt-cache save takes milliseconds) the request
            // still counted as queued, so Submit never saw its slot free and its queue place empty at once.
            Dequeued(request);
        }

        ExpireWaiting();
    }
}
