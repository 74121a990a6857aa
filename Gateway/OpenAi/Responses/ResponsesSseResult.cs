using System.Text;
using Verge.Orleans.Gateway.OpenAi.Contracts;
using Verge.Orleans.Gateway.Serving;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.OpenAi.Responses;

/// <summary>
/// Writes a response as the Responses API's SSE events, each with <c>event:</c> and <c>data:</c> lines and
/// an increasing <c>sequence_number</c>: created, in_progress, then per output item (reasoning, message,
/// function calls) its added, delta, done events, and last the completed (or incomplete) response, stored
/// before it is sent. A failure after the first byte becomes <c>response.failed</c>.
/// </summary>
internal sealed class ResponsesSseResult(ResponseFrame frame, ResponsesRequest request, IAsyncEnumerator<GenerationEvent> events, ResponseStore store) : IResult
{
    private ServerSentEvents _stream = null!;
    private int _sequence;
    private int _outputIndex = -1;
    private OpenItem? _open;

    private enum ItemKind
    {
        Reasoning,
        Message,
        Call,
    }

    public Task ExecuteAsync(HttpContext httpContext) => ServerSentEvents.RunAsync(
        httpContext,
        stream =>
        {
            _stream = stream;
            return WriteAsync();
        },
        (_, error) =>
        {
            var (_, body, _) = OpenAiErrors.Map(error);
            return WriteAsync(new ResponseStreamEvent("response.failed", 0) { Response = ResponseAnswer.Failed(frame, request, body.Error.Code ?? body.Error.Type, body.Error.Message) });
        },
        () => events.DisposeAsync().AsTask());

    private async Task WriteAsync()
    {
        var answer = new CompletionAccumulator(1);
        var started = ResponseAnswer.InProgress(frame, request);
        await WriteAsync(new ResponseStreamEvent("response.created", 0) { Response = started });
        await WriteAsync(new ResponseStreamEvent("response.in_progress", 0) { Response = started });
        while (!answer.Complete && await events.MoveNextAsync())
        {
            answer.Add(events.Current);
            await WriteDeltasAsync(events.Current);
        }

        if (!answer.Complete)
        {
            throw new InvalidOperationException("The worker's stream ended without a result.");
        }

        await CloseAsync();
        var response = await store.CompleteAsync(answer);
        await WriteAsync(new ResponseStreamEvent(response.Status == "incomplete" ? "response.incomplete" : "response.completed", 0) { Response = response });
    }

    private async Task WriteDeltasAsync(GenerationEvent update)
    {
        if (update.Reasoning.Length > 0)
        {
            var item = await EnsureOpenAsync(ItemKind.Reasoning);
            item.Text.Append(update.Reasoning);
            await WriteAsync(Event("response.reasoning_text.delta", item) with { ContentIndex = 0, Delta = update.Reasoning });
        }

        if (update.Content.Length > 0)
        {
            var item = await EnsureOpenAsync(ItemKind.Message);
            item.Text.Append(update.Content);
            await WriteAsync(Event("response.output_text.delta", item) with { ContentIndex = 0, Delta = update.Content, Logprobs = [] });
        }

        foreach (var piece in update.ToolCalls ?? [])
        {
            if (piece.Id is not null || _open?.Kind != ItemKind.Call)
            {
                await CloseAsync();
                await OpenAsync(new OpenItem(ItemKind.Call, ResponseAnswer.CallItem(frame, piece.Index, new ToolCall(piece.Id ?? "", piece.Name ?? "", ""), "in_progress")));
            }

            if (piece.Arguments.Length > 0)
            {
                _open!.Text.Append(piece.Arguments);
                await WriteAsync(Event("response.function_call_arguments.delta", _open) with { Delta = piece.Arguments });
            }
        }
    }

    private async Task<OpenItem> EnsureOpenAsync(ItemKind kind)
    {
        if (_open?.Kind == kind)
        {
            return _open;
        }

        await CloseAsync();
        var item = kind == ItemKind.Reasoning
            ? ResponseAnswer.ReasoningItem(frame, "", "in_progress")
            : ResponseAnswer.MessageItem(frame, null, "in_progress");
        await OpenAsync(new OpenItem(kind, item));
        if (kind == ItemKind.Message)
        {
            await WriteAsync(Event("response.content_part.added", _open!) with { ContentIndex = 0, Part = ResponsePartWire.OutputText("") });
        }

        return _open!;
    }

    private async Task OpenAsync(OpenItem item)
    {
        _outputIndex++;
        _open = item;
        await WriteAsync(new ResponseStreamEvent("response.output_item.added", 0) { OutputIndex = _outputIndex, Item = item.Started });
    }

    private async Task CloseAsync()
    {
        if (_open is not { } item)
        {
            return;
        }

        _open = null;
        var text = item.Text.ToString();
        ResponseItemWire done;
        switch (item.Kind)
        {
            case ItemKind.Reasoning:
                await WriteAsync(Event("response.reasoning_text.done", item) with { ContentIndex = 0, Text = text });
                done = ResponseAnswer.ReasoningItem(frame, text);
                break;
            case ItemKind.Message:
                var part = ResponsePartWire.OutputText(text);
                await WriteAsync(Event("response.output_text.done", item) with { ContentIndex = 0, Text = text, Logprobs = [] });
                await WriteAsync(Event("response.content_part.done", item) with { ContentIndex = 0, Part = part });
                done = ResponseAnswer.MessageItem(frame, text);
                break;
            default:
                await WriteAsync(Event("response.function_call_arguments.done", item) with { Name = item.Started.Name, Arguments = text });
                done = item.Started with { Status = "completed", Arguments = text };
                break;
        }

        await WriteAsync(new ResponseStreamEvent("response.output_item.done", 0) { OutputIndex = _outputIndex, Item = done });
    }

    private ResponseStreamEvent Event(string type, OpenItem item) => new(type, 0) { OutputIndex = _outputIndex, ItemId = item.Started.Id };

    private async Task WriteAsync(ResponseStreamEvent update)
    {
        update = update with { SequenceNumber = _sequence++ };
        await _stream.EventAsync(update.Type, update, OpenAiJsonContext.Default.ResponseStreamEvent);
    }

    private sealed record OpenItem(ItemKind Kind, ResponseItemWire Started)
    {
        public StringBuilder Text { get; } = new();
    }
}
