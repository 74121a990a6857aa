using Verge.Orleans.Gateway.OpenAi.Contracts;
using Verge.Orleans.Gateway.Serving;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.OpenAi.Responses;

/// <summary>
/// OpenAI's Responses shapes of an accumulated answer. Item ids derive from the response id, so a stream's
/// items and the final response object built here name the same items.
/// </summary>
internal static class ResponseAnswer
{
    public static ResponseObject InProgress(ResponseFrame frame, ResponsesRequest request) =>
        Frame(frame, request, "in_progress", [], null);

    public static ResponseObject Failed(ResponseFrame frame, ResponsesRequest request, string code, string message) =>
        Frame(frame, request, "failed", [], null) with { Error = new ResponseError(code, message) };

    public static ResponseObject Completed(ResponseFrame frame, ResponsesRequest request, CompletionAccumulator answer)
    {
        var choice = answer.Choices[0];
        var output = new List<ResponseItemWire>();
        if (choice.Reasoning.Length > 0)
        {
            output.Add(ReasoningItem(frame, choice.Reasoning.ToString()));
        }

        if (choice.Content.Length > 0 || choice.Calls.Count == 0)
        {
            output.Add(MessageItem(frame, choice.Content.ToString()));
        }

        output.AddRange(choice.ToolCalls.Select((call, i) => CallItem(frame, i, call)));
        var summary = answer.FirstSummary!;
        var incomplete = summary.FinishReason == FinishReason.Length;
        var usage = new ResponseUsage(
            summary.PromptTokens, new InputTokensDetails(summary.CachedTokens),
            answer.CompletionTokens, new OutputTokensDetails(answer.ReasoningTokens),
            summary.PromptTokens + answer.CompletionTokens);
        return Frame(frame, request, incomplete ? "incomplete" : "completed", output, usage) with
        {
            IncompleteDetails = incomplete ? new IncompleteDetails("max_output_tokens") : null,
            OutputText = choice.Content.ToString(),
        };
    }

    /// <summary>The answer as the assistant message a later <c>previous_response_id</c> replays.</summary>
    public static ChatMessage Message(CompletionAccumulator answer)
    {
        var choice = answer.Choices[0];
        return new ChatMessage("assistant", choice.Content.ToString())
        {
            Reasoning = choice.Reasoning.Length > 0 ? choice.Reasoning.ToString() : null,
            ToolCalls = choice.Calls.Count > 0 ? choice.ToolCalls : null,
        };
    }

    public static ResponseItemWire ReasoningItem(ResponseFrame frame, string text, string status = "completed") =>
        new("reasoning", "rs_" + Suffix(frame))
        {
            Status = status,
            Summary = text.Length == 0 ? [] : [new ResponsePartWire("summary_text", text)],
            Content = text.Length == 0 ? [] : [new ResponsePartWire("reasoning_text", text)],
        };

    public static ResponseItemWire MessageItem(ResponseFrame frame, string? text, string status = "completed") =>
        new("message", "msg_" + Suffix(frame))
        {
            Status = status,
            Role = "assistant",
            Content = text is null ? [] : [ResponsePartWire.OutputText(text)],
        };

    public static ResponseItemWire CallItem(ResponseFrame frame, int index, ToolCall call, string status = "completed") =>
        new("function_call", $"fc_{Suffix(frame)}_{index}") { Status = status, CallId = call.Id, Name = call.Name, Arguments = call.Arguments };

    private static string Suffix(ResponseFrame frame) => frame.Id[(frame.Id.IndexOf('_') + 1)..];

    private static ResponseObject Frame(ResponseFrame frame, ResponsesRequest request, string status, IReadOnlyList<ResponseItemWire> output, ResponseUsage? usage) =>
        new(frame.Id, frame.Created, status, frame.Model, output, usage)
        {
            Instructions = request.Instructions,
            PreviousResponseId = request.PreviousResponseId,
            MaxOutputTokens = request.Generation.MaxTokens,
            Store = request.Store,
            ParallelToolCalls = request.Generation.ParallelToolCalls,
            Temperature = request.Generation.Temperature,
            TopP = request.Generation.TopP,
            ToolChoice = request.ToolChoiceEcho,
            Tools = request.ToolsEcho,
            Text = request.TextEcho,
            Reasoning = request.ReasoningEcho,
            Metadata = request.Metadata,
        };
}
