namespace Verge.Orleans.Gateway.OpenAi.Contracts;

internal sealed record Usage(int PromptTokens, int CompletionTokens, PromptTokensDetails PromptTokensDetails)
{
    public int TotalTokens => PromptTokens + CompletionTokens;
}

internal sealed record PromptTokensDetails(int CachedTokens);
