namespace Verge.Orleans.Grains.ModelFiles;

/// <summary>
/// A pooled decoder with random weights, for tests and benchmarks of <c>/v1/embeddings</c>: the llama
/// architecture with <c>llama.pooling_type</c> in its metadata, as decoder-based embedding models carry it.
/// </summary>
public static class EmbeddingModel
{
    /// <summary>A small embedding model's size (384 dimensions, 12 layers), like the e5/bge "small" models.</summary>
    public static ModelShape Small { get; } = new(384, 12, 1536, 6, 6, 32000, 8192);

    /// <summary>A model that loads and embeds in milliseconds, for tests.</summary>
    public static ModelShape Tiny { get; } = new(64, 2, 128, 4, 4, 1024, 2048);

    public static void Write(string path, ModelShape shape, GgufTensorType type, string pooling = "mean", int seed = 1) =>
        LlamaModelFile.Write(path, "verge-embedding", shape, Vocabulary.Create(RandomModel.Words, shape.VocabSize), type, RandomModel.Rows(seed),
            metadata: gguf => gguf.Add("llama.pooling_type", PoolingId(pooling)));

    // llama.cpp's enum llama_pooling_type.
    private static uint PoolingId(string pooling) => pooling switch
    {
        "mean" => 1,
        "cls" => 2,
        "last" => 3,
        _ => throw new ArgumentException($"Unknown pooling '{pooling}': use mean, cls or last.", nameof(pooling)),
    };
}
