namespace Verge.Orleans.Grains.ModelFiles;

/// <summary>
/// The built-in demo model: a llama-shaped GGUF whose attention and FFN weights are zero, so the
/// residual stream is the last token's embedding and the model is a bigram table. Each chain token
/// has a one-hot embedding and the next chain token's output row reads that dimension, so greedy
/// decoding after the assistant turn's opening newline always yields the same thought and answer.
/// </summary>
public static class ScriptedModel
{
    /// <summary>The thought the model emits inside its think block.</summary>
    public const string Reasoning = "The user wants a greeting.";

    /// <summary>The visible answer that follows the think block.</summary>
    public const string Answer = "Hello! I am the Verge demo model on llama.cpp";

    // The chain, as plain text; the first entry is the prompt's last token ("assistant\n").
    private static readonly string[] Chain =
    [
        "\n", Vocabulary.ThinkOpen, "The", " user", " wants", " a", " greeting", ".", Vocabulary.ThinkClose, "\n\n",
        "Hello", "!", " I", " am", " the", " Verge", " demo", " model", " on", " llama", ".cpp", Vocabulary.ImEnd,
    ];

    private const float Strength = 4f;

    /// <summary>The number of tokens the model generates for any chat prompt (the chain after its start).</summary>
    public static int CompletionTokens => Chain.Length - 1;

    public static void Write(string path)
    {
        var shape = new ModelShape(EmbeddingLength: 64, BlockCount: 1, FeedForwardLength: 64, HeadCount: 4, HeadCountKv: 4, VocabSize: 0, ContextLength: 32768);
        var words = Chain.Where(t => t.Length > 1 && !t.StartsWith('<')).Append("assistant").Append("user").Append("system");
        var vocabulary = Vocabulary.Create(words, size: 0);
        var chainIds = Chain.Select(vocabulary.IdOf).ToArray();
        if (chainIds.Distinct().Count() != chainIds.Length || chainIds.Length > shape.EmbeddingLength)
        {
            throw new InvalidOperationException("The scripted chain must hold unique tokens and fit the embedding.");
        }

        var dimensionOf = chainIds.Select((id, k) => (id, k)).ToDictionary(p => p.id, p => p.k);
        LlamaModelFile.Write(path, "verge-demo", shape, vocabulary, GgufTensorType.F32, (tensor, _, _) => tensor switch
        {
            "token_embd.weight" => (token, row) =>
            {
                if (dimensionOf.TryGetValue((int)token, out var k))
                {
                    row[k] = 1f;
                }
            },
            "output.weight" => (token, row) =>
            {
                if (dimensionOf.TryGetValue((int)token, out var k) && k > 0)
                {
                    row[k - 1] = Strength;
                }
            },
            _ => null,
        });
    }
}
