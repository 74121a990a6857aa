using LLama.Native;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Grains.Inference;

/// <summary>
/// Picks one sequence's tokens: the sampler chain, the grammar (checked first, applied to every candidate
/// only when the chain's pick is rejected, as llama.cpp's common sampler does) and the log probabilities.
/// Without a grammar a token costs one native call, as before.
/// </summary>
internal sealed class TokenSampler : IDisposable
{
    private readonly SafeLLamaSamplerChainHandle _chain;
    private readonly GrammarGate? _grammar;
    private readonly LogprobReader? _logprobs;
    private readonly LLamaTokenData[] _candidates;

    public TokenSampler(SamplingSettings settings, LoadedModel model, ThoughtTracker thought, int choice)
    {
        var handle = model.Weights.NativeHandle;
        var vocabularySize = handle.Vocab.Count;
        _chain = SamplerChain.Create(settings, vocabularySize, unchecked(settings.Seed + (uint)choice));
        _grammar = settings.Grammar is { } grammar ? new GrammarGate(handle, grammar, settings.GrammarTriggers, thought) : null;
        _logprobs = settings.Logprobs ? new LogprobReader(handle, settings.TopLogprobs) : null;
        _candidates = _grammar is null ? [] : new LLamaTokenData[vocabularySize];
    }

    /// <summary>The last sampled token's log probabilities, when asked for.</summary>
    public TokenLogprob? Logprob { get; private set; }

    /// <summary>Samples from the logits at <paramref name="index"/> of the last decode; null when the grammar allows no token.</summary>
    public LLamaToken? Sample(SafeLLamaContextHandle context, int index)
    {
        var token = _grammar is null ? _chain.Sample(context, index) : SampleConstrained(context.GetLogitsIth(index));
        if (_logprobs is not null && token is { } sampled)
        {
            Logprob = _logprobs.Read(context.GetLogitsIth(index), sampled);
        }

        return token;
    }

    /// <summary>Advances the chain and the grammar over a token another worker sampled (a taken-over request's delivered output).</summary>
    public void Replay(LLamaToken token)
    {
        if (_grammar is not null && _grammar.EngagesAt(token))
        {
            _grammar.Accept(token);
        }

        _chain.Accept(token);
    }

    public void Dispose()
    {
        _chain.Dispose();
        _grammar?.Dispose();
    }

    private LLamaToken? SampleConstrained(Span<float> logits)
    {
        var token = Pick(logits, restrict: false);
        if (token is { } free && _grammar!.EngagesAt(free))
        {
            if (!_grammar.Allows(free))
            {
                token = Pick(logits, restrict: true);
                if (token is not { } constrained || !_grammar.Allows(constrained))
                {
                    return null;
                }
            }

            _grammar.Accept(token.Value);
        }

        if (token is { } accepted)
        {
            _chain.Accept(accepted);
        }

        return token;
    }

    // Runs the chain over a fresh copy of the logits (optionally restricted by the grammar) without accepting.
    private LLamaToken? Pick(Span<float> logits, bool restrict)
    {
        var array = LLamaTokenDataArray.Create(logits, _candidates);
        using var pin = LLamaTokenDataArrayNative.Create(array, out var native);
        native.Selected = -1;
        if (restrict && !_grammar!.Restrict(ref native))
        {
            return null;
        }

        _chain.Apply(ref native);
        return native.Selected < 0 ? null : native.Data[(int)native.Selected].ID;
    }
}
