using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.OpenAi;

/// <summary>A validated legacy <c>/v1/completions</c> body: its prompts, how to sample each, and how to deliver the answer.</summary>
internal sealed record TextRequest
{
    public required string Model { get; init; }

    /// <summary>One generation per prompt; each gives <see cref="GenerationRequest.N"/> choices.</summary>
    public required IReadOnlyList<RawPrompt> Prompts { get; init; }

    /// <summary>The sampling settings every prompt shares (its <see cref="GenerationRequest.Raw"/> is set per prompt).</summary>
    public required GenerationRequest Generation { get; init; }

    public bool Stream { get; init; }

    public bool IncludeUsage { get; init; }

    /// <summary>The legacy <c>logprobs</c>: alternatives per position (0..5), or null for no log probabilities.</summary>
    public int? Logprobs { get; init; }

    /// <summary>Fields we accept without acting on them (logged once).</summary>
    public IReadOnlyList<string> IgnoredFields { get; init; } = [];

    /// <summary>The generation of prompt <paramref name="index"/>.</summary>
    public GenerationRequest For(int index) => Generation with { Raw = Prompts[index] };
}
