using System.Text;
using Verge.Orleans.Gateway.OpenAi.Contracts;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.OpenAi;

/// <summary>
/// Collects a worker's events into the answer: per choice its content, reasoning, assembled tool calls,
/// log probabilities and summary. Both the JSON response and the SSE stream are built from it.
/// </summary>
internal sealed class CompletionAccumulator(int choices)
{
    private readonly ChoiceState[] _choices = [.. Enumerable.Range(0, choices).Select(_ => new ChoiceState())];

    public bool Complete => _choices.All(c => c.Summary is not null);

    /// <summary>The first choice: what a chat session stores.</summary>
    public string Content => _choices[0].Content.ToString();

    public string Reasoning => _choices[0].Reasoning.ToString();

    /// <summary>Any choice's summary (prompt figures are the same in each).</summary>
    public GenerationSummary? FirstSummary => _choices.Select(c => c.Summary).FirstOrDefault(s => s is not null);

    public void Add(GenerationEvent update)
    {
        if (update.Choice < 0 || update.Choice >= _choices.Length)
        {
            throw new InvalidOperationException($"The worker sent choice {update.Choice} of {_choices.Length}.");
        }

        var choice = _choices[update.Choice];
        choice.Content.Append(update.Content);
        choice.Reasoning.Append(update.Reasoning);
        foreach (var piece in update.ToolCalls ?? [])
        {
            while (choice.Calls.Count <= piece.Index)
            {
                choice.Calls.Add(new CallState());
            }

            var call = choice.Calls[piece.Index];
            call.Id ??= piece.Id;
            call.Name ??= piece.Name;
            call.Arguments.Append(piece.Arguments);
        }

        choice.Logprobs.AddRange(update.Logprobs ?? []);
        if (update.Summary is { } summary)
        {
            choice.Summary = summary;
        }
    }

    public ChatCompletion ToCompletion(ResponseFrame frame, bool logprobs) => new(
        frame.Id, frame.Created, frame.Model, frame.Model,
        [.. _choices.Select((c, i) => new ChatChoice(i, Message(c), FinishReasonOf(c.Summary!), logprobs ? Logprobs(c.Logprobs) : null))],
        Usage(), Timings());

    public Usage Usage()
    {
        var first = FirstSummary!;
        var summaries = _choices.Select(c => c.Summary).OfType<GenerationSummary>().ToList();
        return new Usage(first.PromptTokens, summaries.Sum(s => s.CompletionTokens),
            new PromptTokensDetails(first.CachedTokens), new CompletionTokensDetails(summaries.Sum(s => s.ReasoningTokens)));
    }

    /// <summary>llama.cpp's timings: the prompt's once, generation over all choices.</summary>
    public Timings Timings()
    {
        var first = FirstSummary!;
        var summaries = _choices.Select(c => c.Summary).OfType<GenerationSummary>().ToList();
        var predicted = summaries.Sum(s => s.CompletionTokens);
        var predictedMs = summaries.Max(s => s.PredictedMs);
        return new Timings(
            first.PromptEvaluated, Round(first.PromptMs), Round(PerToken(first.PromptMs, first.PromptEvaluated)), Round(PerSecond(first.PromptEvaluated, first.PromptMs)),
            predicted, Round(predictedMs), Round(PerToken(predictedMs, predicted)), Round(PerSecond(predicted, predictedMs)));
    }

    public static string FinishReasonOf(GenerationSummary summary) => summary.FinishReason switch
    {
        FinishReason.Length => "length",
        FinishReason.ToolCalls => "tool_calls",
        _ => "stop",
    };

    public static ChoiceLogprobs Logprobs(IEnumerable<TokenLogprob> tokens) => new(
        [.. tokens.Select(t => new LogprobWire(t.Token, t.Logprob, Bytes(t.Bytes), [.. t.Top.Select(a => new TopLogprobWire(a.Token, a.Logprob, Bytes(a.Bytes)))]))]);

    private static AssistantMessage Message(ChoiceState choice)
    {
        var calls = choice.Calls.Count == 0 ? null
            : choice.Calls.Select(c => new ToolCallWire(c.Id ?? "", new FunctionCallWire(c.Name ?? "", c.Arguments.ToString()))).ToList();
        var content = choice.Content.ToString();
        return new AssistantMessage(
            calls is not null && content.Length == 0 ? null : content,
            choice.Reasoning.Length > 0 ? choice.Reasoning.ToString() : null,
            calls);
    }

    private static int[] Bytes(byte[] bytes) => [.. bytes.Select(b => (int)b)];

    private static double PerToken(double ms, int tokens) => tokens == 0 ? 0 : ms / tokens;

    private static double PerSecond(int tokens, double ms) => ms <= 0 ? 0 : tokens * 1000 / ms;

    private static double Round(double value) => Math.Round(value, 3);

    private sealed class ChoiceState
    {
        public StringBuilder Content { get; } = new();

        public StringBuilder Reasoning { get; } = new();

        public List<CallState> Calls { get; } = [];

        public List<TokenLogprob> Logprobs { get; } = [];

        public GenerationSummary? Summary { get; set; }
    }

    private sealed class CallState
    {
        public string? Id { get; set; }

        public string? Name { get; set; }

        public StringBuilder Arguments { get; } = new();
    }
}
