using System.Diagnostics;
using LLama;
using LLama.Native;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Tools;

namespace Verge.Orleans.Grains.Inference;

/// <summary>One choice of a request inside an engine: its KV slot, sampler, text filters and clocks.</summary>
internal sealed class Sequence : IDisposable
{
    private readonly Request _request;
    private readonly StreamingTokenDecoder _decoder;
    private readonly StopMatcher _stops;
    private readonly ReasoningSplitter? _reasoning;
    private readonly ThoughtTracker _thought;
    private readonly ToolCallParser? _tools;
    private readonly LLamaToken[] _delivered;
    private readonly List<int> _tokens = [];
    private readonly List<LLamaToken> _answer = [];
    private readonly LoadedModel _model;
    private List<TokenLogprob>? _logprobs;
    private bool _replaying;
    private long _promptStarted;
    private long _promptDone;
    private long _firstToken;
    private int _reasoningTokens;

    /// <param name="delivered">Output a lost worker already delivered (in-flight migration): evaluated after the prompt, then replayed.</param>
    public Sequence(Request request, int choice, LLamaToken[] prompt, LLamaToken[] delivered, SamplingSettings settings, LoadedModel model)
    {
        _request = request;
        Choice = choice;
        Prompt = delivered.Length == 0 ? prompt : [.. prompt, .. delivered];
        _delivered = delivered;
        Settings = settings;
        _decoder = new StreamingTokenDecoder(System.Text.Encoding.UTF8, model.Weights.NativeHandle);
        _stops = new StopMatcher(settings.Stop);
        _reasoning = settings.SplitReasoning ? new ReasoningSplitter(settings.StartInReasoning) : null;
        _thought = new ThoughtTracker(settings, model.ThinkOpen, model.ThinkClose);
        _tools = settings.ToolCalls is { } format ? new ToolCallParser(format) : null;
        Sampler = new TokenSampler(settings, model, _thought, choice);
        _model = model;
    }

    public int Choice { get; }

    /// <summary>What the sequence evaluates before it samples: the prompt, then any delivered output it continues.</summary>
    public LLamaToken[] Prompt { get; }

    public SamplingSettings Settings { get; }

    public TokenSampler Sampler { get; }

    public Request Request => _request;

    /// <summary>A later choice that waits for choice 0 to evaluate the shared prompt.</summary>
    public bool AwaitsPrompt => Choice > 0 && !Generating;

    public long Admitted { get; set; }

    public LLamaSeqId Id { get; set; }

    /// <summary>Next KV position to write; equals the tokens this sequence holds in the context.</summary>
    public int Position { get; set; }

    /// <summary>Prompt tokens already in the context (reused from the slot's cache or decoded).</summary>
    public int Prefilled { get; set; }

    /// <summary>Leading prompt tokens whose KV the slot already held from an earlier request.</summary>
    public int Reused { get; private set; }

    /// <summary>The tokens whose KV this sequence holds, in position order: what its slot caches after it.</summary>
    public List<LLamaToken> Decoded { get; private set; } = [];

    /// <summary>Starts after <paramref name="count"/> prompt tokens whose KV the slot already holds.</summary>
    public void Reuse(int count)
    {
        Reused = Prefilled = Position = count;
        Decoded.AddRange(Prompt.AsSpan(0, count));
    }

    /// <summary>Takes over choice 0's evaluated prompt, whose KV was just copied into this sequence's slot.</summary>
    public void StartFrom(Sequence first)
    {
        (Reused, Prefilled, Position) = (first.Reused, first.Prefilled, first.Position);
        Decoded = [.. first.Decoded];
        (_promptStarted, _promptDone) = (first._promptStarted, first._promptDone);
        BatchIndex = first.BatchIndex;
    }

    public bool Generating => Prefilled == Prompt.Length;

    /// <summary>Sampled but not yet decoded.</summary>
    public LLamaToken LastToken { get; set; }

    /// <summary>Where this step's logits for the sequence are in the batch, or -1.</summary>
    public int BatchIndex { get; set; } = -1;

    public int Generated { get; private set; }

    public bool Cancelled => _request.Cancelled;

    public void MarkPromptStarted()
    {
        if (_promptStarted == 0)
        {
            _promptStarted = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>The prompt's last logits are ready.</summary>
    public void MarkPromptDone() => _promptDone = Stopwatch.GetTimestamp();

    /// <summary>Adds a sampled token's text; returns true when a stop string ended the sequence.</summary>
    public bool Accept(LLamaToken token)
    {
        if (Sampler.Logprob is { } logprob)
        {
            (_logprobs ??= []).Add(logprob);
        }

        return Take(token);
    }

    /// <summary>
    /// Once the prompt is evaluated, runs the output a lost worker delivered through the sampler and the
    /// text filters, sending nothing (the client has it), so that the next token continues exactly where
    /// the client is. Returns how the answer ended if it already had.
    /// </summary>
    public FinishReason? ReplayDelivered()
    {
        if (_delivered.Length == 0 || Generated > 0)
        {
            return null;
        }

        _replaying = true;
        try
        {
            foreach (var token in _delivered)
            {
                Sampler.Replay(token);
                if (Take(token))
                {
                    return FinishReason.Stop;
                }
            }

            return Generated >= Settings.MaxTokens ? FinishReason.Length : null;
        }
        finally
        {
            _replaying = false;
        }
    }

    /// <summary>Counts a token that ends generation without adding text (end-of-generation).</summary>
    public void CountFinalToken(LLamaToken token) => Count(token);

    public void Finish(FinishReason reason, string worker)
    {
        if (reason != FinishReason.Cancelled)
        {
            Emit(_stops.Stopped ? "" : _stops.Flush(), flush: true);
        }

        if (reason == FinishReason.Stop && _tools is { Calls: > 0 })
        {
            reason = FinishReason.ToolCalls;
        }

        // An answer that is all plain content (no thought, calls or stop string cut from it) may come back as the next turn's assistant message.
        if (reason is FinishReason.Stop or FinishReason.Length && !_stops.Stopped && _reasoningTokens == 0 && _tools is not { Calls: > 0 })
        {
            _model.RememberAnswer(_request.Who.User, _answer);
        }

        var end = Stopwatch.GetTimestamp();
        var firstToken = _firstToken == 0 ? end : _firstToken;
        var promptDone = _promptDone == 0 ? firstToken : _promptDone;
        _request.Write(new GenerationEvent(GenerationEventKind.Finished, Summary: new GenerationSummary
        {
            FinishReason = reason,
            PromptTokens = Prompt.Length - _delivered.Length,
            PromptEvaluated = Prefilled - Reused,
            PromptMs = _promptStarted == 0 ? 0 : Stopwatch.GetElapsedTime(_promptStarted, promptDone).TotalMilliseconds,
            CompletionTokens = Generated,
            ReasoningTokens = _reasoningTokens,
            PredictedMs = Stopwatch.GetElapsedTime(firstToken, end).TotalMilliseconds,
            QueueMs = Stopwatch.GetElapsedTime(_request.Enqueued, _promptStarted != 0 ? _promptStarted : Admitted != 0 ? Admitted : end).TotalMilliseconds,
            Worker = worker,
            Choice = Choice,
            StopSequence = reason == FinishReason.Stop ? _stops.Matched : null,
        }) { Choice = Choice });
        _request.Completed();
    }

    public void Dispose() => Sampler.Dispose();

    private bool Take(LLamaToken token)
    {
        Count(token);
        _tokens.Add((int)token);
        if (_answer.Count <= LoadedModel.LongestAnswer)
        {
            _answer.Add(token);
        }
        _decoder.Add(token);
        Emit(_stops.Push(_decoder.Read()));
        return _stops.Stopped;
    }

    private void Count(LLamaToken token)
    {
        if (Generated++ == 0)
        {
            _firstToken = Stopwatch.GetTimestamp();
        }

        if (_thought.Observe(token))
        {
            _reasoningTokens++;
        }
    }

    // The one text path: stop matcher, then reasoning split, then tool calls out of the content, then out
    // with the logprobs and ids of the tokens since the last event (text held back keeps its tokens back too).
    private void Emit(string text, bool flush = false)
    {
        var (content, reasoning) = _reasoning is null ? (text, "") : _reasoning.Push(text);
        if (flush && _reasoning is not null)
        {
            var (restContent, restReasoning) = _reasoning.Flush();
            content += restContent;
            reasoning += restReasoning;
        }

        IReadOnlyList<ToolCallDelta>? calls = null;
        if (_tools is not null)
        {
            (content, calls) = _tools.Push(content);
            if (flush)
            {
                var (restContent, restCalls) = _tools.Flush();
                (content, calls) = (content + restContent, [.. calls, .. restCalls]);
            }
        }

        if (content.Length > 0 || reasoning.Length > 0 || calls is { Count: > 0 } || (flush && _logprobs is { Count: > 0 }))
        {
            if (!_replaying)
            {
                _request.Write(new GenerationEvent(GenerationEventKind.Delta, content, reasoning)
                {
                    Choice = Choice,
                    Logprobs = _logprobs,
                    ToolCalls = calls is { Count: > 0 } ? calls : null,
                    Tokens = [.. _tokens],
                });
            }

            _logprobs = null;
            _tokens.Clear();
        }
    }
}
