using LLama.Native;

namespace Verge.Orleans.Grains.Inference;

/// <summary>
/// A GBNF grammar in its own sampler chain, and when it engages: at the first trigger token, or (without
/// triggers) at the first token of the content, so a think block stays free.
/// </summary>
internal sealed class GrammarGate : IDisposable
{
    private readonly SafeLLamaSamplerChainHandle _grammar;
    private readonly IReadOnlyList<int> _triggers;
    private readonly ThoughtTracker _thought;
    private readonly LLamaTokenData[] _single = new LLamaTokenData[1];
    private bool _engaged;

    public GrammarGate(SafeLlamaModelHandle model, string grammar, IReadOnlyList<int> triggers, ThoughtTracker thought)
    {
        _grammar = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        _grammar.AddGrammar(model, grammar, "root");
        _triggers = triggers;
        _thought = thought;
    }

    /// <summary>Whether the grammar holds for <paramref name="token"/>, sampled next; once it does, it holds for good.</summary>
    public bool EngagesAt(LLamaToken token)
    {
        if (!_engaged)
        {
            _engaged = _triggers.Count > 0 ? _triggers.Contains((int)token) : _thought.IsContent(token);
        }

        return _engaged;
    }

    /// <summary>The check-first path: whether the grammar accepts this one token.</summary>
    public bool Allows(LLamaToken token)
    {
        _single[0] = new LLamaTokenData(token, 1f, 0f);
        using var pin = LLamaTokenDataArrayNative.Create(new LLamaTokenDataArray(_single), out var native);
        _grammar.Apply(ref native);
        return !float.IsNegativeInfinity(native.Data[0].Logit);
    }

    /// <summary>Rules out every candidate the grammar rejects; false when none is left (a dead end).</summary>
    public bool Restrict(ref LLamaTokenDataArrayNative candidates)
    {
        _grammar.Apply(ref candidates);
        foreach (var candidate in candidates.Data)
        {
            if (!float.IsNegativeInfinity(candidate.Logit))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Advances the grammar; only ever with a token <see cref="Allows"/> accepted (llama.cpp aborts otherwise).</summary>
    public void Accept(LLamaToken token) => _grammar.Accept(token);

    public void Dispose() => _grammar.Dispose();
}
