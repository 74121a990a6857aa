using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Verge.Orleans.Gateway.Anthropic.Contracts;
using Verge.Orleans.Gateway.Serving;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.Anthropic;

/// <summary>Anthropic's shapes of an accumulated answer: the <c>message</c>, its content blocks, <c>stop_reason</c> and <c>usage</c>.</summary>
internal static class AnthropicAnswer
{
    public static AnthropicMessage ToMessage(CompletionAccumulator answer, string id, string model)
    {
        var choice = answer.Choices[0];
        var summary = choice.Summary!;
        var content = new List<ContentBlock>();
        if (choice.Reasoning.Length > 0)
        {
            content.Add(Thinking(choice.Reasoning.ToString()));
        }

        if (choice.Content.Length > 0 || choice.Calls.Count == 0)
        {
            content.Add(new ContentBlock("text") { Text = choice.Content.ToString() });
        }

        content.AddRange(choice.ToolCalls.Select(call => ToolUse(call.Id, call.Name) with { Input = Input(call.Arguments) }));
        return new AnthropicMessage
        {
            Id = id,
            Model = model,
            Content = content,
            StopReason = StopReasonOf(summary),
            StopSequence = summary.StopSequence,
            Usage = Usage(answer),
        };
    }

    /// <summary>What <c>message_start</c> carries: no content yet; the prompt's tokens as the worker counted them.</summary>
    public static AnthropicMessage Started(string id, string model, int promptTokens) => new()
    {
        Id = id,
        Model = model,
        Content = [],
        Usage = new AnthropicUsage(promptTokens, 0, 0),
    };

    public static AnthropicUsage Usage(CompletionAccumulator answer)
    {
        var summary = answer.FirstSummary!;
        return new AnthropicUsage(summary.PromptEvaluated, answer.CompletionTokens, summary.CachedTokens);
    }

    public static string StopReasonOf(GenerationSummary summary) => summary.FinishReason switch
    {
        FinishReason.Length => "max_tokens",
        FinishReason.ToolCalls => "tool_use",
        _ when summary.StopSequence is not null => "stop_sequence",
        _ => "end_turn",
    };

    public static ContentBlock Thinking(string thinking) => new("thinking") { Thinking = thinking, Signature = Signature(thinking) };

    public static ContentBlock ToolUse(string id, string name) => new("tool_use") { Id = id, Name = name, Input = EmptyInput };

    /// <summary>
    /// Not a cryptographic attestation (nothing here holds a signing key): a digest of the thought, so
    /// clients that require a signature to send a thinking block back have one. It is not checked.
    /// </summary>
    public static string Signature(string thinking) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(thinking)));

    private static readonly JsonElement EmptyInput = JsonDocument.Parse("{}").RootElement.Clone();

    // Calls are parsed (and, when forced, grammar-constrained) by the worker; the input is a JSON object.
    private static JsonElement Input(string arguments) =>
        arguments.Length == 0 ? EmptyInput : JsonDocument.Parse(arguments).RootElement.Clone();
}
