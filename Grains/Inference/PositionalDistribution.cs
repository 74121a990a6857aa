using LLama.Native;

namespace Verge.Orleans.Grains.Inference;

/// <summary>
/// The chain's last stage when sampling with a temperature: draws from the softmax of the candidates left
/// with a random number that depends only on the seed and the output position. A worker that takes over a
/// request after replaying its first tokens (in-flight migration) then draws exactly what the lost one
/// would have; llama.cpp's own distribution stage keeps its generator's state inside the lost process.
/// </summary>
internal sealed class PositionalDistribution(ulong seed) : ICustomSampler
{
    private ulong _position;
    private float[] _weights = [];

    public string Name => "verge-positional-dist";

    public void Apply(ref LLamaTokenDataArrayNative candidates)
    {
        var data = candidates.Data;
        var max = float.NegativeInfinity;
        foreach (var candidate in data)
        {
            max = Math.Max(max, candidate.Logit);
        }

        // One exponential per candidate (a whole vocabulary when no earlier stage truncated it), kept for the draw.
        if (_weights.Length < data.Length)
        {
            _weights = new float[data.Length];
        }

        var total = 0.0;
        for (var i = 0; i < data.Length; i++)
        {
            _weights[i] = MathF.Exp(data[i].Logit - max); // 0 for a candidate ruled out (-inf)
            total += _weights[i];
        }

        var target = Uniform(seed, _position) * total;
        var chosen = -1;
        for (var i = 0; i < data.Length; i++)
        {
            if (_weights[i] == 0)
            {
                continue;
            }

            chosen = i;
            target -= _weights[i];
            if (target < 0)
            {
                break;
            }
        }

        candidates.Selected = chosen;
    }

    public void Accept(LLamaToken token) => _position++;

    public void Reset() => _position = 0;

    public void Dispose()
    {
        // Nothing native to free.
    }

    public ICustomSampler Clone() => new PositionalDistribution(seed) { _position = _position };

    /// <summary>A number in [0, 1) from (seed, position): SplitMix64 over both.</summary>
    internal static double Uniform(ulong seed, ulong position)
    {
        var mixed = seed * 0x9E3779B97F4A7C15UL + position + 0x632BE59BD9B4E019UL;
        mixed = (mixed ^ (mixed >> 30)) * 0xBF58476D1CE4E5B9UL;
        mixed = (mixed ^ (mixed >> 27)) * 0x94D049BB133111EBUL;
        mixed ^= mixed >> 31;
        return (mixed >> 11) * (1.0 / (1UL << 53));
    }
}
