namespace Verge.Orleans.Gateway.OpenAi.Contracts;

internal sealed record Usage(int PromptTokens, int CompletionTokens, PromptTokensDetails PromptTokensDetails, CompletionTokensDetails CompletionTokensDetails)
{
    public int TotalTokens => PromptTokens + CompletionTokens;
}

internal sealed record PromptTokensDetails(int CachedTokens);

internal sealed record CompletionTokensDetails(int ReasoningTokens);
