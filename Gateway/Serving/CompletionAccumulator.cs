using System.Text;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.Serving;

/// <summary>
/// Collects a worker's events into the answer: per choice its content, reasoning, assembled tool calls,
/// log probabilities and summary. Every API's JSON answer and stream is built from it.
/// </summary>
internal sealed class CompletionAccumulator(int choices)
{
    private readonly ChoiceState[] _choices = [.. Enumerable.Range(0, choices).Select(_ => new ChoiceState())];

    public bool Complete => _choices.All(c => c.Summary is not null);

    public IReadOnlyList<ChoiceState> Choices => _choices;

    /// <summary>The first choice: what a chat session stores.</summary>
    public string Content => _choices[0].Content.ToString();

    public string Reasoning => _choices[0].Reasoning.ToString();

    /// <summary>Any choice's summary (prompt figures are the same in each).</summary>
    public GenerationSummary? FirstSummary => _choices.Select(c => c.Summary).FirstOrDefault(s => s is not null);

    public int CompletionTokens => Summaries.Sum(s => s.CompletionTokens);

    public int ReasoningTokens => Summaries.Sum(s => s.ReasoningTokens);

    /// <summary>Generation time: the slowest choice's (choices decode side by side).</summary>
    public double PredictedMs => Summaries.Select(s => s.PredictedMs).DefaultIfEmpty(0).Max();

    private IEnumerable<GenerationSummary> Summaries => _choices.Select(c => c.Summary).OfType<GenerationSummary>();

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
        choice.Summary = update.Summary ?? choice.Summary;
    }

    /// <summary>One choice as it accumulates.</summary>
    internal sealed class ChoiceState
    {
        public StringBuilder Content { get; } = new();

        public StringBuilder Reasoning { get; } = new();

        public List<CallState> Calls { get; } = [];

        public List<TokenLogprob> Logprobs { get; } = [];

        public GenerationSummary? Summary { get; set; }

        public IReadOnlyList<ToolCall> ToolCalls => [.. Calls.Select(c => new ToolCall(c.Id ?? "", c.Name ?? "", c.Arguments.ToString()))];
    }

    internal sealed class CallState
    {
        public string? Id { get; set; }

        public string? Name { get; set; }

        public StringBuilder Arguments { get; } = new();
    }
}
