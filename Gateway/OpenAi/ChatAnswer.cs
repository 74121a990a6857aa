using Verge.Orleans.Gateway.OpenAi.Contracts;
using Verge.Orleans.Gateway.Serving;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.OpenAi;

/// <summary>OpenAI's shapes of an accumulated answer: the <c>chat.completion</c>, <c>usage</c>, <c>timings</c> and log probabilities.</summary>
internal static class ChatAnswer
{
    public static ChatCompletion ToCompletion(CompletionAccumulator answer, ResponseFrame frame, bool logprobs) => new(
        frame.Id, frame.Created, frame.Model, frame.Model,
        [.. answer.Choices.Select((c, i) => new ChatChoice(i, Message(c), FinishReasonOf(c.Summary!), logprobs ? Logprobs(c.Logprobs) : null))],
        Usage(answer), Timings(answer));

    public static Usage Usage(CompletionAccumulator answer)
    {
        var first = answer.FirstSummary!;
        return new Usage(first.PromptTokens, answer.CompletionTokens,
            new PromptTokensDetails(first.CachedTokens), new CompletionTokensDetails(answer.ReasoningTokens));
    }

    /// <summary>llama.cpp's timings: the prompt's once, generation over all choices.</summary>
    public static Timings Timings(CompletionAccumulator answer)
    {
        var first = answer.FirstSummary!;
        return Timings(first.PromptEvaluated, first.PromptMs, answer.CompletionTokens, answer.PredictedMs, first.QueueMs);
    }

    /// <summary>llama.cpp's timings from evaluated prompt tokens, generated tokens and the time each took.</summary>
    public static Timings Timings(int promptN, double promptMs, int predicted, double predictedMs, double queueMs) => new(
        promptN, Round(promptMs), Round(PerToken(promptMs, promptN)), Round(PerSecond(promptN, promptMs)),
        predicted, Round(predictedMs), Round(PerToken(predictedMs, predicted)), Round(PerSecond(predicted, predictedMs)), Round(queueMs));

    public static string FinishReasonOf(GenerationSummary summary) => summary.FinishReason switch
    {
        FinishReason.Length => "length",
        FinishReason.ToolCalls => "tool_calls",
        _ => "stop",
    };

    public static ChoiceLogprobs Logprobs(IEnumerable<TokenLogprob> tokens) => new(
        [.. tokens.Select(t => new LogprobWire(t.Token, t.Logprob, Bytes(t.Bytes), [.. t.Top.Select(a => new TopLogprobWire(a.Token, a.Logprob, Bytes(a.Bytes)))]))]);

    private static AssistantMessage Message(CompletionAccumulator.ChoiceState choice)
    {
        var calls = choice.Calls.Count == 0 ? null : choice.ToolCalls.Select(c => new ToolCallWire(c.Id, new FunctionCallWire(c.Name, c.Arguments))).ToList();
        var content = choice.Content.ToString();
        return new AssistantMessage(calls is not null && content.Length == 0 ? null : content, choice.Reasoning.Length > 0 ? choice.Reasoning.ToString() : null, calls);
    }

    private static int[] Bytes(byte[] bytes) => [.. bytes.Select(b => (int)b)];

    private static double PerToken(double ms, int tokens) => tokens == 0 ? 0 : ms / tokens;

    private static double PerSecond(int tokens, double ms) => ms <= 0 ? 0 : tokens * 1000 / ms;

    private static double Round(double value) => Math.Round(value, 3);
}
