namespace Verge.Orleans.Gateway.OpenAi.Contracts;

/// <summary>OpenAI's answer to <c>/v1/embeddings</c>: one entry per input, in input order.</summary>
internal sealed record EmbeddingList(IReadOnlyList<EmbeddingEntry> Data, string Model, EmbeddingUsage Usage)
{
    public string Object => "list";
}

internal sealed record EmbeddingEntry(int Index, EmbeddingVector Embedding)
{
    public string Object => "embedding";
}

internal sealed record EmbeddingUsage(int PromptTokens)
{
    public int TotalTokens => PromptTokens;
}
