using Verge.Orleans.Gateway.OpenAi.Contracts;
using Verge.Orleans.Gateway.Serving;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.OpenAi;

/// <summary>
/// OpenAI's legacy shapes of accumulated answers, one accumulator per prompt: the <c>text_completion</c>,
/// its <c>usage</c> and <c>timings</c> over every prompt, and the legacy log probabilities. Choice
/// <c>index</c> is prompt index × n + choice.
/// </summary>
internal static class TextAnswer
{
    public static TextCompletion ToCompletion(IReadOnlyList<CompletionAccumulator> answers, ResponseFrame frame, TextRequest request)
    {
        var n = request.Generation.N;
        var choices = answers.SelectMany((answer, prompt) => answer.Choices.Select((choice, i) =>
        {
            var text = choice.Content.ToString();
            var echoed = request.Prompts[prompt] is { Echo: true } raw ? raw.Text?.Length ?? EchoLength(choice.Logprobs, text) : 0;
            var logprobs = request.Logprobs is null ? null : Logprobs(choice.Logprobs, echoed);
            return new TextChoice(prompt * n + i, text, logprobs, ChatAnswer.FinishReasonOf(choice.Summary!));
        }));
        return new TextCompletion(frame.Id, frame.Created, frame.Model, frame.Model, [.. choices], Usage(answers), Timings(answers));
    }

    /// <summary>Usage summed over the prompts (each prompt's figures once, its choices' generation each).</summary>
    public static Usage Usage(IReadOnlyList<CompletionAccumulator> answers)
    {
        var firsts = answers.Select(a => a.FirstSummary!).ToList();
        return new Usage(firsts.Sum(s => s.PromptTokens), answers.Sum(a => a.CompletionTokens),
            new PromptTokensDetails(firsts.Sum(s => s.CachedTokens)), new CompletionTokensDetails(0));
    }

    /// <summary>llama.cpp's timings over the prompts: tokens summed, times of the slowest (prompts run side by side).</summary>
    public static Timings Timings(IReadOnlyList<CompletionAccumulator> answers)
    {
        var firsts = answers.Select(a => a.FirstSummary!).ToList();
        return ChatAnswer.Timings(
            firsts.Sum(s => s.PromptEvaluated), firsts.Max(s => s.PromptMs),
            answers.Sum(a => a.CompletionTokens), answers.Max(a => a.PredictedMs), firsts.Max(s => s.QueueMs));
    }

    /// <summary>The legacy shape; <paramref name="start"/> is where the first token's text begins in the choice's text.</summary>
    public static TextLogprobs Logprobs(IReadOnlyList<TokenLogprob> tokens, int start)
    {
        var offsets = new List<int>(tokens.Count);
        var offset = start;
        foreach (var token in tokens)
        {
            offsets.Add(offset);
            offset += token.Token.Length;
        }

        return new TextLogprobs(
            [.. tokens.Select(t => t.Token)],
            [.. tokens.Select(t => t.Logprob)],
            [.. tokens.Select(Alternatives)],
            offsets);
    }

    // Two alternatives may decode to the same text (partial UTF-8 bytes): the likelier one stands.
    private static Dictionary<string, float> Alternatives(TokenLogprob token)
    {
        var top = new Dictionary<string, float>();
        foreach (var alternative in token.Top)
        {
            top.TryAdd(alternative.Token, alternative.Logprob);
        }

        return top;
    }

    // A token prompt's echo was decoded by the worker: it is the text before the generated tokens' text.
    private static int EchoLength(IReadOnlyList<TokenLogprob> tokens, string text)
    {
        var generated = string.Concat(tokens.Select(t => t.Token));
        return text.EndsWith(generated, StringComparison.Ordinal) ? text.Length - generated.Length : 0;
    }
}
