using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.WebConsole.Chat;

/// <summary>One prompt and its answer as the chat page shows them (a stored turn, or one streaming in).</summary>
internal sealed class ChatExchange(string prompt)
{
    public string Prompt { get; } = prompt;

    public string Answer { get; set; } = "";

    public string Reasoning { get; set; } = "";

    public GenerationSummary? Summary { get; set; }

    public string? Error { get; set; }

    /// <summary>The answer's usage and llama.cpp-style timings, as VergeOS's info icon shows them.</summary>
    public string Details => Summary is not { } s
        ? ""
        : $"prompt {s.PromptTokens} tokens ({s.CachedTokens} cached), {s.PromptEvaluated} evaluated in {s.PromptMs:0.#} ms"
          + (s.PromptEvaluated > 0 && s.PromptMs > 0 ? $" ({s.PromptEvaluated * 1000 / s.PromptMs:0.#} tokens/s)" : "")
          + $" · completion {s.CompletionTokens} tokens in {s.PredictedMs:0.#} ms"
          + (s.CompletionTokens > 0 && s.PredictedMs > 0 ? $" ({s.CompletionTokens * 1000 / s.PredictedMs:0.#} tokens/s)" : "")
          + $" · {s.FinishReason.ToString().ToLowerInvariant()} · worker {s.Worker}";
}
