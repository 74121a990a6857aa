using System.Text;
using System.Text.Json.Serialization.Metadata;
using Verge.Orleans.Gateway.Anthropic.Contracts;
using Verge.Orleans.Gateway.Serving;

namespace Verge.Orleans.Gateway.Anthropic;

/// <summary>
/// Writes a message as Anthropic's server-sent events: <c>message_start</c>, <c>ping</c>, then per content
/// block <c>content_block_start</c>, its deltas (<c>thinking_delta</c> and a closing <c>signature_delta</c>,
/// <c>text_delta</c>, <c>input_json_delta</c>) and <c>content_block_stop</c>; then <c>message_delta</c>
/// (stop reason, usage) and <c>message_stop</c>. A failure after <c>message_start</c> is an <c>error</c> event.
/// </summary>
internal sealed class AnthropicSseResult(string id, string model, Generation generation) : IResult
{
    private ServerSentEvents _stream = null!;
    private int _index = -1;
    private string? _open;
    private StringBuilder? _thought;

    public Task ExecuteAsync(HttpContext httpContext) => ServerSentEvents.RunAsync(
        httpContext,
        stream =>
        {
            _stream = stream;
            return WriteAsync();
        },
        (stream, error) => stream.RawAsync(AnthropicErrors.ToSseEvent(error)),
        () => generation.Events.DisposeAsync().AsTask());

    private async Task WriteAsync()
    {
        var events = generation.Events;
        var answer = new CompletionAccumulator(1);
        await WriteAsync("message_start", new MessageStartEvent(AnthropicAnswer.Started(id, model, generation.PromptTokens)), AnthropicJsonContext.Default.MessageStartEvent);
        await WriteAsync("ping", new BareEvent("ping"), AnthropicJsonContext.Default.BareEvent);
        while (!answer.Complete && await events.MoveNextAsync())
        {
            var update = events.Current;
            answer.Add(update);
            if (update.Reasoning.Length > 0)
            {
                await OpenAsync("thinking", () => new ContentBlock("thinking") { Thinking = "", Signature = "" });
                _thought!.Append(update.Reasoning);
                await DeltaAsync(new BlockDelta("thinking_delta") { Thinking = update.Reasoning });
            }

            if (update.Content.Length > 0)
            {
                await OpenAsync("text", () => new ContentBlock("text") { Text = "" });
                await DeltaAsync(new BlockDelta("text_delta") { Text = update.Content });
            }

            foreach (var piece in update.ToolCalls ?? [])
            {
                await OpenAsync($"tool_use:{piece.Index}", () => AnthropicAnswer.ToolUse(piece.Id ?? "", piece.Name ?? ""));
                if (!string.IsNullOrEmpty(piece.Arguments))
                {
                    await DeltaAsync(new BlockDelta("input_json_delta") { PartialJson = piece.Arguments });
                }
            }
        }

        if (!answer.Complete)
        {
            throw new InvalidOperationException("The worker's stream ended without a result.");
        }

        await CloseAsync();
        var summary = answer.FirstSummary!;
        await WriteAsync("message_delta", new MessageDeltaEvent(new MessageDelta(AnthropicAnswer.StopReasonOf(summary), summary.StopSequence), AnthropicAnswer.Usage(answer)),
            AnthropicJsonContext.Default.MessageDeltaEvent);
        await WriteAsync("message_stop", new BareEvent("message_stop"), AnthropicJsonContext.Default.BareEvent);
    }

    /// <summary>Makes <paramref name="block"/> the open block: the one before it stops, a new index starts.</summary>
    private async Task OpenAsync(string block, Func<ContentBlock> start)
    {
        if (_open == block)
        {
            return;
        }

        await CloseAsync();
        (_open, _index) = (block, _index + 1);
        _thought = block == "thinking" ? new StringBuilder() : null;
        await WriteAsync("content_block_start", new ContentBlockStartEvent(_index, start()), AnthropicJsonContext.Default.ContentBlockStartEvent);
    }

    private async Task CloseAsync()
    {
        if (_open is null)
        {
            return;
        }

        if (_thought is not null)
        {
            await DeltaAsync(new BlockDelta("signature_delta") { Signature = AnthropicAnswer.Signature(_thought.ToString()) });
        }

        await WriteAsync("content_block_stop", new ContentBlockStopEvent(_index), AnthropicJsonContext.Default.ContentBlockStopEvent);
        _open = null;
    }

    private Task DeltaAsync(BlockDelta delta) =>
        WriteAsync("content_block_delta", new ContentBlockDeltaEvent(_index, delta), AnthropicJsonContext.Default.ContentBlockDeltaEvent);

    private async Task WriteAsync<T>(string name, T payload, JsonTypeInfo<T> type)
    {
        await _stream.EventAsync(name, payload, type);
    }
}
