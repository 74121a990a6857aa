using System.Text.Json;
using Verge.Orleans.Gateway.OpenAi.Contracts;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.OpenAi;

/// <summary>
/// Writes a completion as server-sent events: a role chunk, one chunk per delta, the finish chunk with
/// timings, the usage chunk when asked, then <c>[DONE]</c>. A failure after the first byte becomes an
/// error frame followed by <c>[DONE]</c>. A chat session's turn is stored before the finish chunk.
/// </summary>
internal sealed class SseResult(ResponseFrame frame, IAsyncEnumerator<GenerationEvent> events, bool includeUsage, TurnRecorder? recorder = null) : IResult
{
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        var aborted = httpContext.RequestAborted;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var failed = false;
        var content = new System.Text.StringBuilder();
        var reasoning = new System.Text.StringBuilder();
        try
        {
            await WriteAsync(response, Chunk(new ChunkDelta(Role: "assistant", Content: ""), null), aborted);
            while (await events.MoveNextAsync())
            {
                var update = events.Current;
                if (update.Summary is { } summary)
                {
                    if (recorder is not null)
                    {
                        await recorder.RecordAsync(summary, content.ToString(), reasoning.ToString());
                    }

                    var timings = ChatCompletionsEndpoint.TimingsOf(summary);
                    await WriteAsync(response, Chunk(new ChunkDelta(), ChatCompletionsEndpoint.FinishReasonOf(summary)) with { Timings = timings }, aborted);
                    if (includeUsage)
                    {
                        var usage = new ChatCompletionChunk(frame.Id, frame.Created, frame.Model, frame.Model, [], ChatCompletionsEndpoint.UsageOf(summary), timings);
                        await WriteAsync(response, usage, aborted);
                    }

                    break;
                }

                if (recorder is not null)
                {
                    content.Append(update.Content);
                    reasoning.Append(update.Reasoning);
                }

                var delta = new ChunkDelta(
                    Content: update.Content.Length > 0 ? update.Content : null,
                    ReasoningContent: update.Reasoning.Length > 0 ? update.Reasoning : null);
                await WriteAsync(response, Chunk(delta, null), aborted);
            }
        }
        catch (Exception error) when (!aborted.IsCancellationRequested)
        {
            failed = true;
            await response.Body.WriteAsync(System.Text.Encoding.UTF8.GetBytes(OpenAiErrors.ToSseFrame(error)), aborted);
        }
        catch (Exception) when (aborted.IsCancellationRequested)
        {
            failed = true;
            return;
        }
        finally
        {
            // After a failure the worker may be unreachable: release it in the background, not before [DONE].
            var release = Failover.DisposeQuietlyAsync(events);
            if (!failed)
            {
                await release;
            }
        }

        await response.Body.WriteAsync(Done, aborted);
        await response.Body.FlushAsync(aborted);
    }

    private ChatCompletionChunk Chunk(ChunkDelta delta, string? finishReason) =>
        new(frame.Id, frame.Created, frame.Model, frame.Model, [new ChunkChoice(0, delta, finishReason)]);

    private static async Task WriteAsync(HttpResponse response, ChatCompletionChunk chunk, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(chunk, OpenAiJsonContext.Default.ChatCompletionChunk);
        await response.Body.WriteAsync(DataPrefix, cancellationToken);
        await response.Body.WriteAsync(json, cancellationToken);
        await response.Body.WriteAsync(EventEnd, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
