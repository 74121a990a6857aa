namespace Verge.Orleans.Grains.ModelFiles;

/// <summary>The hyper-parameters of a llama-architecture model.</summary>
public sealed record ModelShape(
    int EmbeddingLength,
    int BlockCount,
    int FeedForwardLength,
    int HeadCount,
    int HeadCountKv,
    int VocabSize,
    int ContextLength = 32768)
{
    /// <summary>The shape of Qwen2.5-0.5B with a 32k vocabulary.</summary>
    public static ModelShape Qwen25Half { get; } = new(896, 24, 4864, 14, 2, 32000);

    public int HeadDimension => EmbeddingLength / HeadCount;

    public int KvLength => HeadDimension * HeadCountKv;

    /// <summary>Looks up a named shape (<c>qwen2.5-0.5b</c>) or parses <c>embd,layers,ff,heads,kvheads,vocab</c>.</summary>
    public static ModelShape Parse(string text)
    {
        if (text.Equals("qwen2.5-0.5b", StringComparison.OrdinalIgnoreCase))
        {
            return Qwen25Half;
        }

        var parts = text.Split(',').Select(int.Parse).ToArray();
        return parts.Length == 6
            ? new ModelShape(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5])
            : throw new FormatException($"Unknown model shape '{text}': use qwen2.5-0.5b or embd,layers,ff,heads,kvheads,vocab.");
    }
}
