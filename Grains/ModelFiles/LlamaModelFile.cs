namespace Verge.Orleans.Grains.ModelFiles;

/// <summary>Lays out a llama-architecture GGUF (metadata, tokenizer, tensors) that llama.cpp loads.</summary>
public static class LlamaModelFile
{
    /// <summary>A ChatML template with Hermes-style tools and Qwen3's <c>enable_thinking</c>, as Qwen models carry it.</summary>
    public static string ChatMlTemplate { get; } = ReadTemplate("ChatMlHermes.jinja");

    /// <summary>Supplies the rows of one tensor; null leaves the tensor zero.</summary>
    public delegate Action<long, Span<float>>? RowSource(string tensor, long rowLength, long rows);

    private static string ReadTemplate(string name)
    {
        using var stream = typeof(LlamaModelFile).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The resource {name} is missing from the build.");
        return new StreamReader(stream).ReadToEnd();
    }

    /// <param name="metadata">Adds further keys (a FIM model's <c>tokenizer.ggml.fim_*_token_id</c>, an embedding model's pooling).</param>
    public static void Write(string path, string name, ModelShape shape, Vocabulary vocabulary, GgufTensorType type, RowSource rows, string? chatTemplate = null, Action<GgufWriter>? metadata = null)
    {
        var gguf = new GgufWriter()
            .Add("general.architecture", "llama")
            .Add("general.name", name)
            .Add("general.alignment", 32u)
            .Add("general.file_type", type switch { GgufTensorType.F32 => 0u, GgufTensorType.F16 => 1u, _ => 7u })
            .Add("llama.context_length", (uint)shape.ContextLength)
            .Add("llama.embedding_length", (uint)shape.EmbeddingLength)
            .Add("llama.block_count", (uint)shape.BlockCount)
            .Add("llama.feed_forward_length", (uint)shape.FeedForwardLength)
            .Add("llama.rope.dimension_count", (uint)shape.HeadDimension)
            .Add("llama.rope.freq_base", 1000000f)
            .Add("llama.attention.head_count", (uint)shape.HeadCount)
            .Add("llama.attention.head_count_kv", (uint)shape.HeadCountKv)
            .Add("llama.attention.layer_norm_rms_epsilon", 1e-6f)
            .Add("llama.vocab_size", (uint)vocabulary.Count)
            .Add("tokenizer.ggml.model", "gpt2")
            .Add("tokenizer.ggml.pre", "qwen2")
            .Add("tokenizer.ggml.tokens", vocabulary.Tokens)
            .Add("tokenizer.ggml.token_type", vocabulary.Types)
            .Add("tokenizer.ggml.merges", vocabulary.Merges)
            .Add("tokenizer.ggml.bos_token_id", (uint)vocabulary.IdOf(Vocabulary.EndOfText))
            .Add("tokenizer.ggml.eos_token_id", (uint)vocabulary.IdOf(Vocabulary.ImEnd))
            .Add("tokenizer.ggml.padding_token_id", (uint)vocabulary.IdOf(Vocabulary.EndOfText))
            .Add("tokenizer.ggml.add_bos_token", false)
            .Add("tokenizer.chat_template", chatTemplate ?? ChatMlTemplate);
        metadata?.Invoke(gguf);

        void Matrix(string tensor, long rowLength, long count) =>
            gguf.AddTensor(tensor, rowLength, count, type, rows(tensor, rowLength, count) ?? ((_, _) => { }));

        void Norm(string tensor) =>
            gguf.AddTensor(tensor, shape.EmbeddingLength, 1, GgufTensorType.F32, (_, row) => row.Fill(1f));

        Matrix("token_embd.weight", shape.EmbeddingLength, vocabulary.Count);
        for (var block = 0; block < shape.BlockCount; block++)
        {
            var prefix = $"blk.{block}.";
            Norm(prefix + "attn_norm.weight");
            Matrix(prefix + "attn_q.weight", shape.EmbeddingLength, shape.EmbeddingLength);
            Matrix(prefix + "attn_k.weight", shape.EmbeddingLength, shape.KvLength);
            Matrix(prefix + "attn_v.weight", shape.EmbeddingLength, shape.KvLength);
            Matrix(prefix + "attn_output.weight", shape.EmbeddingLength, shape.EmbeddingLength);
            Norm(prefix + "ffn_norm.weight");
            Matrix(prefix + "ffn_gate.weight", shape.EmbeddingLength, shape.FeedForwardLength);
            Matrix(prefix + "ffn_up.weight", shape.EmbeddingLength, shape.FeedForwardLength);
            Matrix(prefix + "ffn_down.weight", shape.FeedForwardLength, shape.EmbeddingLength);
        }

        Norm("output_norm.weight");
        Matrix("output.weight", shape.EmbeddingLength, vocabulary.Count);
        gguf.WriteTo(path);
    }
}
