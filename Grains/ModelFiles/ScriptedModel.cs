namespace Verge.Orleans.Grains.ModelFiles;

/// <summary>
/// The built-in demo model: a llama-shaped GGUF whose attention and FFN weights are zero, so the
/// residual stream is the last token's embedding and the model is a bigram table. Each chain token
/// has a one-hot embedding and the next chain token's output row reads that dimension, so greedy
/// decoding after the assistant turn's opening newline always yields the same thought and answer.
/// Two weaker branches leave the start of the answer (the opening newline, the end of the thought, the
/// blank line after it): a Hermes-style call of <c>get_weather</c> and a JSON object. Free decoding never
/// takes them; a grammar that forbids the greeting (a forced tool call, a JSON response format) does, so
/// constrained output is exact too.
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

    /// <summary>The call the tool branch makes: <c>get_weather</c> with these arguments.</summary>
    public const string ToolName = "get_weather";

    public const string ToolArguments = """{"city": "Paris"}""";

    /// <summary>The JSON object the JSON branch writes (it matches a schema of a string <c>city</c> and an integer <c>days</c>).</summary>
    public const string Json = """{"city": "Lisbon", "days": 3}""";

    private static readonly string[] ToolBranch =
        [Vocabulary.ToolCallOpen, "{\"name\": \"", ToolName, "\", \"arguments\": {\"", "city", "\": \"", "Paris", "\"}}", Vocabulary.ToolCallClose, Vocabulary.ImEnd];

    private static readonly string[] JsonBranch = ["{\"city\": \"", "Lisbon", "\", \"days\": ", "3", "}", Vocabulary.ImEnd];

    /// <summary>What a FIM model (<see cref="Write"/> with <c>fim</c>) writes after <c>&lt;|fim_middle|&gt;</c>, then end of generation.</summary>
    public const string FimMiddle = " return sum_of(x, y)";

    private static readonly string[] FimChain = [Vocabulary.FimMiddle, " return", " sum", "_of", "(x", ",", " y", ")", Vocabulary.ImEnd];

    // Where the branches may start: the answer's opening newline, the end of the thought, the blank line after it.
    private static readonly string[] BranchSources = ["\n", Vocabulary.ThinkClose, "\n\n"];

    private const float Strength = 4f;

    private const float BranchStrength = 2f;

    /// <summary>The number of tokens the model generates for any chat prompt (the chain after its start).</summary>
    public static int CompletionTokens => Chain.Length - 1;

    /// <summary>The number of tokens a FIM model generates for a FIM prompt (the middle and end of generation).</summary>
    public static int FimCompletionTokens => FimChain.Length - 1;

    /// <param name="chatTemplate">The Jinja chat template the file carries (the ChatML/Hermes one by default).</param>
    /// <param name="fim">
    /// Add the fill-in-the-middle control tokens (<c>&lt;|fim_prefix|&gt;</c>, <c>&lt;|fim_suffix|&gt;</c>,
    /// <c>&lt;|fim_middle|&gt;</c>) with their metadata keys, and a chain that writes <see cref="FimMiddle"/>
    /// after <c>&lt;|fim_middle|&gt;</c>. The chat answer stays the same.
    /// </param>
    public static void Write(string path, string? chatTemplate = null, bool fim = false) =>
        Write(path, chatTemplate, fim, new ModelShape(EmbeddingLength: 64, BlockCount: 1, FeedForwardLength: 64, HeadCount: 4, HeadCountKv: 4, VocabSize: 0, ContextLength: 32768), Chain);

    /// <summary>
    /// The demo model in a bigger <paramref name="shape"/> (its zero weights cost what a real model's of that shape
    /// do, so it generates as slowly) whose answer never ends: after "llama.cpp" it says "Hello" again. For
    /// tests that must catch an answer midway and still know every token of it, whatever batches computed it:
    /// its logits are whole multiples of one weight apart, so no float rounding can change a greedy pick.
    /// </summary>
    public static void WriteLooping(string path, ModelShape shape) =>
        Write(path, chatTemplate: null, fim: false, shape with { VocabSize = 0 }, [.. Chain.SkipLast(1), "Hello"]);

    private static void Write(string path, string? chatTemplate, bool fim, ModelShape shape, string[] answer)
    {
        string[][] chains = fim ? [answer, ToolBranch, JsonBranch, FimChain] : [answer, ToolBranch, JsonBranch];
        var words = chains.SelectMany(c => c).Where(t => t.Length > 1 && !t.StartsWith('<')).Append("assistant").Append("user").Append("system");
        string[] fimTokens = fim ? [Vocabulary.FimPrefix, Vocabulary.FimSuffix, Vocabulary.FimMiddle] : [];
        var vocabulary = Vocabulary.Create(words, size: 0, fimTokens);
        Action<GgufWriter>? metadata = fim
            ? gguf => gguf
                .Add("tokenizer.ggml.fim_pre_token_id", (uint)vocabulary.IdOf(Vocabulary.FimPrefix))
                .Add("tokenizer.ggml.fim_suf_token_id", (uint)vocabulary.IdOf(Vocabulary.FimSuffix))
                .Add("tokenizer.ggml.fim_mid_token_id", (uint)vocabulary.IdOf(Vocabulary.FimMiddle))
            : null;

        // Each token of a chain gets its own embedding dimension; the token that follows it reads that dimension.
        var dimensionOf = new Dictionary<int, int>();
        var readers = new Dictionary<int, List<(int Dimension, float Weight)>>();
        void Follows(string token, string previous, float weight) =>
            Reader(vocabulary.IdOf(token)).Add((dimensionOf[vocabulary.IdOf(previous)], weight));
        List<(int, float)> Reader(int token) => readers.TryGetValue(token, out var list) ? list : readers[token] = [];
        foreach (var token in chains.SelectMany(c => c.SkipLast(1)).Append(Vocabulary.ImEnd).Select(vocabulary.IdOf))
        {
            if (!dimensionOf.TryAdd(token, dimensionOf.Count) || dimensionOf.Count > shape.EmbeddingLength)
            {
                throw new InvalidOperationException("The scripted chains must hold unique tokens and fit the embedding.");
            }
        }

        foreach (var chain in chains)
        {
            for (var k = 1; k < chain.Length; k++)
            {
                Follows(chain[k], chain[k - 1], Strength);
            }
        }

        foreach (var source in BranchSources)
        {
            Follows(ToolBranch[0], source, BranchStrength);
            Follows(JsonBranch[0], source, BranchStrength);
        }

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
                foreach (var (dimension, weight) in readers.GetValueOrDefault((int)token) ?? [])
                {
                    row[dimension] = weight;
                }
            },
            _ => null,
        }, chatTemplate, metadata);
    }
}
