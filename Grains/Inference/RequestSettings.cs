using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Tools;

namespace Verge.Orleans.Grains.Inference;

/// <summary>Turns a planned request into the engine's sampling settings for one model: defaults, tool calls and grammar.</summary>
internal static class RequestSettings
{
    public static SamplingSettings For(GenerationRequest request, LoadedModel model, RenderedPrompt prompt)
    {
        var vocabulary = model.Weights.Vocab.Count;
        foreach (var token in (request.LogitBias ?? new Dictionary<int, float>()).Keys.Where(t => t >= vocabulary))
        {
            throw new ServingException(400, "invalid_value", $"Token {token} is not in this model's vocabulary of {vocabulary} tokens.", $"logit_bias.{token}");
        }

        var format = model.Template.ToolFormat;
        var (grammar, triggers) = OutputGrammar.For(request, format, text => model.SingleToken(text) is { } token ? (int)token : null);
        // A raw prompt's output is plain text: no reasoning split, no tool calls.
        var raw = request.Raw is not null;
        var callsTools = !raw && request.Tools.Count > 0 && request.ToolChoice is not { Mode: ToolChoiceMode.None };
        return new SamplingSettings
        {
            Temperature = request.Temperature ?? 0.8f,
            TopP = request.TopP ?? 1f,
            TopK = request.TopK ?? 0,
            MinP = request.MinP ?? 0f,
            PresencePenalty = request.PresencePenalty ?? 0f,
            FrequencyPenalty = request.FrequencyPenalty ?? 0f,
            RepeatPenalty = request.RepeatPenalty ?? 1f,
            LogitBias = request.LogitBias ?? new Dictionary<int, float>(),
            Logprobs = request.Logprobs,
            TopLogprobs = request.Logprobs ? request.TopLogprobs : 0,
            N = request.N,
            Seed = request.Seed ?? (uint)Random.Shared.Next(),
            MaxTokens = request.MaxTokens ?? int.MaxValue,
            Stop = request.Stop,
            IgnoreEos = request.IgnoreEos,
            Conversation = request.Conversation,
            SplitReasoning = model.Thinks && !raw,
            StartInReasoning = prompt.OpensThought,
            Grammar = grammar,
            GrammarTriggers = triggers,
            ToolCalls = callsTools ? format : null,
        };
    }
}
