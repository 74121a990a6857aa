using System.Diagnostics;
using System.Threading.Channels;
using LLama.Native;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Grains.Inference;

/// <summary>
/// One submitted prompt and its <c>n</c> choices: the output channel they share (complete after the last
/// choice finished) and the cancellation that ends them all.
/// </summary>
internal sealed class Request
{
    private readonly Channel<GenerationEvent> _output =
        Channel.CreateUnbounded<GenerationEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    private int _open;
    private int _waiting = 1;
    private volatile bool _cancelled;

    public Request(LLamaToken[] prompt, LLamaToken[] delivered, SamplingSettings settings, LoadedModel model, Requester who)
    {
        Who = who;
        Choices = new Sequence[settings.N];
        _open = settings.N;
        for (var choice = 0; choice < settings.N; choice++)
        {
            Choices[choice] = new Sequence(this, choice, prompt, delivered, settings, model);
        }
    }

    /// <summary>Refuses settings this engine cannot serve: more choices than slots, too many logprob alternatives, a grammar llama.cpp cannot parse.</summary>
    public static void Validate(SamplingSettings settings, int slots, LoadedModel model)
    {
        if (settings.N < 1 || settings.N > slots)
        {
            throw new ServingException(400, "invalid_value", $"n must be between 1 and {slots} for this model (its parallel slots); got {settings.N}.", "n");
        }

        if (settings.TopLogprobs is < 0 or > 20)
        {
            throw new ServingException(400, "invalid_value", $"top_logprobs must be between 0 and 20; got {settings.TopLogprobs}.", "top_logprobs");
        }

        if (settings.Grammar is { } grammar && !GrammarCheck.Parses(model.Weights.NativeHandle, grammar))
        {
            throw new ServingException(400, "invalid_grammar", "The grammar could not be parsed as GBNF with a 'root' rule.", "grammar");
        }
    }

    /// <summary>Who the request is for (fair scheduling).</summary>
    public Requester Who { get; }

    /// <summary>Choice 0 evaluates the prompt; the others start from a copy of its KV.</summary>
    public Sequence[] Choices { get; }

    public ChannelReader<GenerationEvent> Output => _output.Reader;

    public long Enqueued { get; } = Stopwatch.GetTimestamp();

    public bool Cancelled => _cancelled;

    /// <summary>Its slots were taken (set by the decode thread; read by it too).</summary>
    public bool Started { get; set; }

    public void Cancel() => _cancelled = true;

    /// <summary>True once only: when the request stops waiting for a slot (admitted, cancelled, expired or failed).</summary>
    public bool LeaveQueue() => Interlocked.Exchange(ref _waiting, 0) == 1;

    public void Write(GenerationEvent update) => _output.Writer.TryWrite(update);

    /// <summary>One choice has written its last event.</summary>
    public void Completed()
    {
        if (--_open == 0)
        {
            _output.Writer.TryComplete();
        }
    }

    /// <summary>Ends the whole request with an error; the other choices stop at the next step.</summary>
    public void Fail(Exception error)
    {
        _cancelled = true;
        _output.Writer.TryComplete(error);
    }

    public void Dispose()
    {
        foreach (var choice in Choices)
        {
            choice.Dispose();
        }
    }
}
