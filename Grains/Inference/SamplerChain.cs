using LLama.Native;

namespace Verge.Orleans.Grains.Inference;

/// <summary>Builds llama.cpp's sampler chain from <see cref="SamplingSettings"/>, leaving out every neutral stage.</summary>
internal static class SamplerChain
{
    public static SafeLLamaSamplerChainHandle Create(SamplingSettings settings, int vocabularySize, uint seed)
    {
        var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        if (settings.LogitBias.Count > 0)
        {
            var biases = settings.LogitBias
                .Select(pair => new LLamaLogitBias { Token = (LLamaToken)pair.Key, Bias = pair.Value })
                .ToArray();
            chain.AddLogitBias(vocabularySize, biases);
        }

        if (settings.RepeatPenalty != 1f || settings.FrequencyPenalty != 0f || settings.PresencePenalty != 0f)
        {
            chain.AddPenalties(settings.PenaltyWindow, settings.RepeatPenalty, settings.FrequencyPenalty, settings.PresencePenalty);
        }

        // Bias and penalties come first so greedy decoding honours them too.
        if (settings.Temperature <= 0)
        {
            chain.AddGreedySampler();
            return chain;
        }

        if (settings.TopK > 0)
        {
            chain.AddTopK(settings.TopK);
        }

        if (settings.TopP < 1)
        {
            chain.AddTopP(settings.TopP, 1);
        }

        if (settings.MinP > 0)
        {
            chain.AddMinP(settings.MinP, 1);
        }

        chain.AddTemperature(settings.Temperature);
        chain.AddCustom(new PositionalDistribution(seed));
        return chain;
    }
}
