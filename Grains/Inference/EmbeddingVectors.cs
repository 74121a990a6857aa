namespace Verge.Orleans.Grains.Inference;

/// <summary>Vector arithmetic of embeddings: the first components, scaled to unit Euclidean length (OpenAI's vectors).</summary>
internal static class EmbeddingVectors
{
    public static float[] Normalized(ReadOnlySpan<float> vector, int dimensions)
    {
        var kept = vector[..dimensions];
        var sum = 0.0;
        foreach (var value in kept)
        {
            sum += (double)value * value;
        }

        var result = kept.ToArray();
        if (sum > 0)
        {
            var scale = (float)(1 / Math.Sqrt(sum));
            for (var i = 0; i < result.Length; i++)
            {
                result[i] *= scale;
            }
        }

        return result;
    }
}
