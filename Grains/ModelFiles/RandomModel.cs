namespace Verge.Orleans.Grains.ModelFiles;

/// <summary>A model of a real shape with random weights: it runs at the real model's speed, for benchmarks.</summary>
public static class RandomModel
{
    internal static readonly string[] Words = ["assistant", "user", "system", "Hello", " world"];

    public static void Write(string path, ModelShape shape, GgufTensorType type, int seed = 1) =>
        LlamaModelFile.Write(path, "verge-random", shape, Vocabulary.Create(Words, shape.VocabSize), type, Rows(seed));

    /// <summary>Uniform weights scaled by the row length, the same for a tensor name and seed on every run.</summary>
    internal static LlamaModelFile.RowSource Rows(int seed) => (tensor, rowLength, _) =>
    {
        var random = new Random(seed * 7919 + tensor.Sum(c => c * 31));
        var scale = 1f / MathF.Sqrt(rowLength);
        return (_, row) =>
        {
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = (random.NextSingle() * 2 - 1) * scale;
            }
        };
    };
}
