using System.Text;
using LLama.Native;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Grains.Inference;

/// <summary>
/// Log probabilities of the model's own distribution (log-softmax of the raw logits, before any sampling
/// stage) for a sampled token and its most likely alternatives. O(vocabulary) per token: only when asked.
/// </summary>
internal sealed class LogprobReader(SafeLlamaModelHandle model, int top)
{
    private readonly int[] _best = new int[top];
    private readonly float[] _bestLogits = new float[top];
    private byte[] _piece = new byte[64];

    public TokenLogprob Read(ReadOnlySpan<float> logits, LLamaToken token)
    {
        var max = float.NegativeInfinity;
        foreach (var logit in logits)
        {
            max = Math.Max(max, logit);
        }

        var sum = 0d;
        foreach (var logit in logits)
        {
            sum += Math.Exp(logit - max);
        }

        var normalizer = max + (float)Math.Log(sum);
        var count = SelectBest(logits);
        var alternatives = new TokenAlternative[count];
        for (var i = 0; i < count; i++)
        {
            var bytes = Piece(_best[i]);
            alternatives[i] = new TokenAlternative(Encoding.UTF8.GetString(bytes), _bestLogits[i] - normalizer, bytes);
        }

        var own = Piece(token);
        return new TokenLogprob(Encoding.UTF8.GetString(own), logits[(int)token] - normalizer, own, alternatives);
    }

    // Keeps the highest logits in descending order (ties: lower id first), one insertion per better candidate.
    private int SelectBest(ReadOnlySpan<float> logits)
    {
        var count = 0;
        for (var id = 0; id < logits.Length; id++)
        {
            var logit = logits[id];
            if (count == _best.Length && (count == 0 || logit <= _bestLogits[count - 1]))
            {
                continue;
            }

            var at = count < _best.Length ? count++ : count - 1;
            while (at > 0 && _bestLogits[at - 1] < logit)
            {
                _best[at] = _best[at - 1];
                _bestLogits[at] = _bestLogits[at - 1];
                at--;
            }

            _best[at] = id;
            _bestLogits[at] = logit;
        }

        return count;
    }

    private byte[] Piece(LLamaToken token)
    {
        var length = (int)model.TokenToSpan(token, _piece, special: true);
        if (length > _piece.Length)
        {
            _piece = new byte[length];
            length = (int)model.TokenToSpan(token, _piece, special: true);
        }

        return _piece.AsSpan(0, length).ToArray();
    }
}
