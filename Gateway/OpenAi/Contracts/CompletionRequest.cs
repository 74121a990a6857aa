using System.Text.Json;
using System.Text.Json.Serialization;

namespace Verge.Orleans.Gateway.OpenAi.Contracts;

/// <summary>
/// The legacy <c>/v1/completions</c> body as it arrives: typed as OpenAI's schema states, the prompt's
/// several shapes kept as JSON for <see cref="CompletionRequestValidator"/>, unknown fields in <see cref="Extra"/>.
/// </summary>
internal sealed record CompletionRequest
{
    public string? Model { get; init; }

    /// <summary>A string, an array of strings, an array of token ids, or an array of token-id arrays.</summary>
    public JsonElement? Prompt { get; init; }

    public string? Suffix { get; init; }

    public bool? Echo { get; init; }

    /// <summary>How many most likely alternatives to return per position (0..5); null for none.</summary>
    public int? Logprobs { get; init; }

    public bool? Stream { get; init; }

    public StreamOptionsBody? StreamOptions { get; init; }

    public int? MaxTokens { get; init; }

    public double? Temperature { get; init; }

    public double? TopP { get; init; }

    public int? TopK { get; init; }

    public double? MinP { get; init; }

    public long? Seed { get; init; }

    /// <summary>A string or an array of strings.</summary>
    public JsonElement? Stop { get; init; }

    public int? N { get; init; }

    public int? BestOf { get; init; }

    public double? PresencePenalty { get; init; }

    public double? FrequencyPenalty { get; init; }

    public double? RepeatPenalty { get; init; }

    public Dictionary<string, double>? LogitBias { get; init; }

    public bool? IgnoreEos { get; init; }

    public string? User { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}
