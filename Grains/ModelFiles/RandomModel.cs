namespace Verge.Orleans.Grains.ModelFiles;

/// <summary>A model of a real shape with random weights: it runs at the real model's speed, for benchmarks.</summary>
public static class RandomModel
{
    public static void Write(string path, ModelShape shape, GgufTensorType type, int seed = 1)
    {
        var vocabulary = Vocabulary.Create(["assistant", "user", "system", "Hello", " world"], shape.VocabSize);
        LlamaModelFile.Write(path, "verge-random", shape, vocabulary, type, (tensor, rowLength, _) =>
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
        });
    }
}
