namespace Verge.Orleans.Grains.Abstractions.Inference;

/// <summary>
/// One item of a model worker's token stream. With several choices (<c>n</c> &gt; 1) every delta and
/// every <see cref="GenerationEventKind.Finished"/> event names its <see cref="Choice"/>; the stream ends
/// after the last choice finished.
/// </summary>
[GenerateSerializer, Immutable, Alias("verge.GenerationEvent")]
public sealed record GenerationEvent(
    [property: Id(0)] GenerationEventKind Kind,
    [property: Id(1)] string Content = "",
    [property: Id(2)] string Reasoning = "",
    [property: Id(3)] GenerationSummary? Summary = null,
    [property: Id(4)] int PromptTokens = 0)
{
    /// <summary>Which of the request's <c>n</c> answers this event belongs to.</summary>
    [Id(5)] public int Choice { get; init; }

    /// <summary>Tool-call pieces: a call's index, id and name first, then fragments of its arguments.</summary>
    [Id(6)] public IReadOnlyList<ToolCallDelta>? ToolCalls { get; init; }

    /// <summary>Log probabilities of the tokens this delta's text came from, when asked for.</summary>
    [Id(7)] public IReadOnlyList<TokenLogprob>? Logprobs { get; init; }

    /// <summary>
    /// The tokens consumed since this choice's previous event (their text is this event's, or held back
    /// by a stop-string match still open): what a worker taking the request over replays.
    /// </summary>
    [Id(8)] public IReadOnlyList<int>? Tokens { get; init; }

    /// <summary>On <see cref="GenerationEventKind.Accepted"/>: the silo generating, whose death the gateway watches for.</summary>
    [Id(9)] public string? Silo { get; init; }

    /// <summary>Sent while a worker has nothing else to say, so a silent stream means a lost worker.</summary>
    public static readonly GenerationEvent Heartbeat = new(GenerationEventKind.Heartbeat);
}
