namespace Verge.Orleans.Grains.Abstractions.Inference;

/// <summary>What a model worker generates from: the full conversation (or a raw prompt) and the sampling settings.</summary>
[GenerateSerializer, Immutable, Alias("verge.GenerationRequest")]
public sealed record GenerationRequest
{
    [Id(0)] public required IReadOnlyList<ChatMessage> Messages { get; init; }

    /// <summary>0 means greedy decoding; null takes the assistant's, then the server's default.</summary>
    [Id(1)] public float? Temperature { get; init; }

    [Id(2)] public float? TopP { get; init; }

    [Id(3)] public uint? Seed { get; init; }

    /// <summary>Most tokens to generate; null runs to the end of the sequence's context.</summary>
    [Id(4)] public int? MaxTokens { get; init; }

    [Id(5)] public IReadOnlyList<string> Stop { get; init; } = [];

    /// <summary>Keep generating past end-of-generation tokens (llama.cpp's and vLLM's <c>ignore_eos</c>).</summary>
    [Id(6)] public bool IgnoreEos { get; init; }

    /// <summary>Open the assistant turn with an empty think block so a thinking model answers directly.</summary>
    [Id(7)] public bool DisableThink { get; init; }

    /// <summary>
    /// How many messages, right after the leading system messages, replay stored session turns. The
    /// worker drops them oldest turn first when the prompt would not leave room for the answer.
    /// </summary>
    [Id(8)] public int HistoryMessages { get; init; }

    /// <summary>Functions the model may call.</summary>
    [Id(9)] public IReadOnlyList<ToolDefinition> Tools { get; init; } = [];

    /// <summary>Whether and which function must be called; null means auto when tools are declared.</summary>
    [Id(10)] public ToolChoice? ToolChoice { get; init; }

    /// <summary>More than one call in one answer (OpenAI's <c>parallel_tool_calls</c>).</summary>
    [Id(11)] public bool ParallelToolCalls { get; init; } = true;

    /// <summary>A shape the answer must take (JSON, a schema, a grammar), or null for free text.</summary>
    [Id(12)] public OutputConstraint? Constraint { get; init; }

    [Id(13)] public int? TopK { get; init; }

    [Id(14)] public float? MinP { get; init; }

    /// <summary>OpenAI's <c>presence_penalty</c> (-2..2).</summary>
    [Id(15)] public float? PresencePenalty { get; init; }

    /// <summary>OpenAI's <c>frequency_penalty</c> (-2..2).</summary>
    [Id(16)] public float? FrequencyPenalty { get; init; }

    /// <summary>llama.cpp's <c>repeat_penalty</c> (1 = off).</summary>
    [Id(17)] public float? RepeatPenalty { get; init; }

    /// <summary>Token id → bias added to its logit (-100..100; -100 bans the token).</summary>
    [Id(18)] public IReadOnlyDictionary<int, float>? LogitBias { get; init; }

    /// <summary>Return each output token's log probability.</summary>
    [Id(19)] public bool Logprobs { get; init; }

    /// <summary>With <see cref="Logprobs"/>: the most likely alternatives per position (0..20).</summary>
    [Id(20)] public int TopLogprobs { get; init; }

    /// <summary>Independent answers to generate from one evaluation of the prompt.</summary>
    [Id(21)] public int N { get; init; } = 1;

    /// <summary>Extra variables for the model's chat template (<c>chat_template_kwargs</c>), as a JSON object text.</summary>
    [Id(22)] public string? TemplateArguments { get; init; }

    /// <summary>
    /// A raw prompt (legacy completions): when set, it is the whole prompt and <see cref="Messages"/> is
    /// empty; no system prompt, chat template, reasoning split or tool parsing applies.
    /// </summary>
    [Id(23)] public RawPrompt? Raw { get; init; }

    /// <summary>Who asks (user name), for fair scheduling between users; set by the gateway from the key.</summary>
    [Id(24)] public string User { get; init; } = "";

    /// <summary>The key's id, for fairness between one user's keys.</summary>
    [Id(25)] public string Key { get; init; } = "";

    /// <summary>The user's scheduling weight (priority).</summary>
    [Id(26)] public double Weight { get; init; } = 1;

    /// <summary>
    /// Part of a conversation that will come back (a chat session, a Responses chain): the worker keeps its
    /// cached prompt prefix longer than others'. Set by the gateway.
    /// </summary>
    [Id(27)] public bool Conversation { get; init; }

    /// <summary>
    /// The tokens a lost worker had already delivered for this request's one answer: the worker that takes
    /// it over evaluates them after the prompt, replays them through its sampler and text filters without
    /// sending anything, and goes on from there (in-flight migration). Empty for a new request.
    /// </summary>
    [Id(28)] public IReadOnlyList<int> Continuation { get; init; } = [];

    /// <summary>Workers just lost while serving this request: routing prefers any other (set by the gateway).</summary>
    [Id(29)] public IReadOnlyList<string> AvoidWorkers { get; init; } = [];
}
