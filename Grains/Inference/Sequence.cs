using System.Diagnostics;
using System.Threading.Channels;
using LLama;
using LLama.Native;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Grains.Inference;

/// <summary>One request inside an engine: its prompt, sampler, text filters, clocks and output channel.</summary>
internal sealed class Sequence : IDisposable
{
    private readonly StreamingTokenDecoder _decoder;
    private readonly StopMatcher _stops;
    private readonly ReasoningSplitter? _reasoning;
    private long _promptStarted;
    private long _firstToken;
    private volatile bool _cancelled;

    public Sequence(LLamaToken[] prompt, SamplingSettings settings, SafeLlamaModelHandle model)
    {
        Prompt = prompt;
        Settings = settings;
        _decoder = new StreamingTokenDecoder(System.Text.Encoding.UTF8, model);
        _stops = new StopMatcher(settings.Stop);
        _reasoning = settings.SplitReasoning ? new ReasoningSplitter(settings.StartInReasoning) : null;
        Sampler = CreateSampler(settings);
    }

    public LLamaToken[] Prompt { get; }

    public SamplingSettings Settings { get; }

    public SafeLLamaSamplerChainHandle Sampler { get; }

    public Channel<GenerationEvent> Output { get; } =
        Channel.CreateUnbounded<GenerationEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    public long Enqueued { get; } = Stopwatch.GetTimestamp();

    public long Admitted { get; set; }

    public LLamaSeqId Id { get; set; }

    /// <summary>Next KV position to write; equals the tokens this sequence holds in the context.</summary>
    public int Position { get; set; }

    /// <summary>Prompt tokens already in the context (reused from the slot's cache or decoded).</summary>
    public int Prefilled { get; set; }

    /// <summary>Leading prompt tokens whose KV the slot already held from an earlier request.</summary>
    public int Reused { get; private set; }

    /// <summary>The tokens whose KV this sequence holds, in position order: what its slot caches after it.</summary>
    public List<LLamaToken> Decoded { get; } = [];

    /// <summary>Starts after <paramref name="count"/> prompt tokens whose KV the slot already holds.</summary>
    public void Reuse(int count)
    {
        Reused = Prefilled = Position = count;
        Decoded.AddRange(Prompt.AsSpan(0, count));
    }

    public bool Generating => Prefilled == Prompt.Length;

    /// <summary>Sampled but not yet decoded.</summary>
    public LLamaToken LastToken { get; set; }

    /// <summary>Where this step's logits for the sequence are in the batch, or -1.</summary>
    public int BatchIndex { get; set; } = -1;

    public int Generated { get; private set; }

    public bool Cancelled => _cancelled;

    public void Cancel() => _cancelled = true;

    public void MarkPromptStarted()
    {
        if (_promptStarted == 0)
        {
            _promptStarted = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>Adds a sampled token's text; returns true when a stop string ended the sequence.</summary>
    public bool Accept(LLamaToken token)
    {
        if (Generated++ == 0)
        {
            _firstToken = Stopwatch.GetTimestamp();
        }

        _decoder.Add(token);
        var text = _stops.Push(_decoder.Read());
        Emit(text);
        return _stops.Stopped;
    }

    /// <summary>Counts a token that ends generation without adding text (end-of-generation).</summary>
    public void CountFinalToken()
    {
        if (Generated++ == 0)
        {
            _firstToken = Stopwatch.GetTimestamp();
        }
    }

    public void Finish(FinishReason reason, string worker)
    {
        if (reason != FinishReason.Cancelled)
        {
            Emit(_stops.Stopped ? "" : _stops.Flush(), flush: true);
        }

        var end = Stopwatch.GetTimestamp();
        var firstToken = _firstToken == 0 ? end : _firstToken;
        Output.Writer.TryWrite(new GenerationEvent(GenerationEventKind.Finished, Summary: new GenerationSummary
        {
            FinishReason = reason,
            PromptTokens = Prompt.Length,
            PromptEvaluated = Prefilled - Reused,
            PromptMs = _promptStarted == 0 ? 0 : Stopwatch.GetElapsedTime(_promptStarted, firstToken).TotalMilliseconds,
            CompletionTokens = Generated,
            PredictedMs = Stopwatch.GetElapsedTime(firstToken, end).TotalMilliseconds,
            QueueMs = Stopwatch.GetElapsedTime(Enqueued, Admitted == 0 ? end : Admitted).TotalMilliseconds,
            Worker = worker,
        }));
        Output.Writer.TryComplete();
    }

    public void Fail(Exception error) => Output.Writer.TryComplete(error);

    public void Dispose() => Sampler.Dispose();

    private void Emit(string text, bool flush = false)
    {
        var (content, reasoning) = _reasoning is null ? (text, "") : _reasoning.Push(text);
        if (flush && _reasoning is not null)
        {
            var (restContent, restReasoning) = _reasoning.Flush();
            content += restContent;
            reasoning += restReasoning;
        }

        if (content.Length > 0 || reasoning.Length > 0)
        {
            Output.Writer.TryWrite(new GenerationEvent(GenerationEventKind.Delta, content, reasoning));
        }
    }

    private static SafeLLamaSamplerChainHandle CreateSampler(SamplingSettings settings)
    {
        var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        if (settings.Temperature <= 0)
        {
            chain.AddGreedySampler();
            return chain;
        }

        if (settings.TopP < 1)
        {
            chain.AddTopP(settings.TopP, 1);
        }

        chain.AddTemperature(settings.Temperature);
        chain.AddDistributionSampler(settings.Seed);
        return chain;
    }
}
