using System.Globalization;
using LLama;
using LLama.Native;

namespace Verge.Orleans.Grains.Inference;

/// <summary>The pooling an embedding model runs with: the operator's choice, else the GGUF's, else mean.</summary>
internal static class Pooling
{
    public static LLamaPoolingType Of(string? configured, LLamaWeights weights) => configured switch
    {
        "mean" => LLamaPoolingType.Mean,
        "cls" => LLamaPoolingType.CLS,
        "last" => LLamaPoolingType.Last,
        null => FromMetadata(weights),
        _ => throw new ArgumentException($"Unknown pooling '{configured}': use mean, cls or last.", nameof(configured)),
    };

    // Read here rather than left to llama.cpp, which reads pooling_type for some architectures only;
    // a decoder without one (or with none/rank) pools by mean, as most decoder embedding models do.
    private static LLamaPoolingType FromMetadata(LLamaWeights weights) =>
        weights.Metadata.TryGetValue("general.architecture", out var architecture)
        && weights.Metadata.TryGetValue($"{architecture}.pooling_type", out var value)
        && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)
        && (LLamaPoolingType)id is LLamaPoolingType.Mean or LLamaPoolingType.CLS or LLamaPoolingType.Last
            ? (LLamaPoolingType)id
            : LLamaPoolingType.Mean;
}
