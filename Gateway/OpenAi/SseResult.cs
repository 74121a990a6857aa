using System.Text.Json;
using Verge.Orleans.Gateway.OpenAi.Contracts;
using Verge.Orleans.Gateway.Serving;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.OpenAi;

/// <summary>
/// Writes a completion as server-sent events: a role chunk per choice; reasoning, content and tool-call
/// pieces each in chunks of their own; a finish chunk per choice with timings; the usage chunk when asked;
/// then <c>[DONE]</c>. A failure after the first byte becomes an error frame followed by <c>[DONE]</c>.
/// A chat session's turn is stored before the last finish chunk.
/// </summary>
internal sealed class SseResult(ResponseFrame frame, IAsyncEnumerator<GenerationEvent> events, ChatRequest request, TurnRecorder? recorder = null) : IResult
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
        var answer = new CompletionAccumulator(request.Generation.N);
        try
        {
            for (var choice = 0; choice < request.Generation.N; choice++)
            {
                await WriteAsync(response, Chunk(choice, new ChunkDelta(Role: "assistant", Content: "")), aborted);
            }

            while (!answer.Complete && await events.MoveNextAsync())
            {
                var update = events.Current;
                answer.Add(update);
                await WriteDeltasAsync(response, update, aborted);
                if (update.Summary is { } summary)
                {
                    if (answer.Complete && recorder is not null)
                    {
                        await recorder.RecordAsync(summary, answer.Content, answer.Reasoning);
                    }

                    var finish = Chunk(update.Choice, new ChunkDelta(), ChatAnswer.FinishReasonOf(summary));
                    await WriteAsync(response, answer.Complete ? finish with { Timings = ChatAnswer.Timings(answer) } : finish, aborted);
                }
            }

            if (!answer.Complete)
            {
                throw new InvalidOperationException("The worker's stream ended without a result.");
            }

            if (request.IncludeUsage)
            {
                await WriteAsync(response, new ChatCompletionChunk(frame.Id, frame.Created, frame.Model, frame.Model, [], ChatAnswer.Usage(answer), ChatAnswer.Timings(answer)), aborted);
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

    /// <summary>Reasoning, content and tool calls go out in separate chunks; log probabilities ride with the content.</summary>
    private async Task WriteDeltasAsync(HttpResponse response, GenerationEvent update, CancellationToken aborted)
    {
        var logprobs = update.Logprobs is { Count: > 0 } tokens ? ChatAnswer.Logprobs(tokens) : null;
        if (update.Reasoning.Length > 0)
        {
            await WriteAsync(response, Chunk(update.Choice, new ChunkDelta(ReasoningContent: update.Reasoning)), aborted);
        }

        if (update.Content.Length > 0 || logprobs is not null)
        {
            await WriteAsync(response, Chunk(update.Choice, new ChunkDelta(Content: update.Content), logprobs: logprobs), aborted);
        }

        foreach (var piece in update.ToolCalls ?? [])
        {
            var call = new ToolCallChunk(piece.Index, piece.Id, piece.Id is null ? null : "function", new FunctionCallChunk(piece.Name, piece.Arguments));
            await WriteAsync(response, Chunk(update.Choice, new ChunkDelta(ToolCalls: [call])), aborted);
        }
    }

    private ChatCompletionChunk Chunk(int choice, ChunkDelta delta, string? finishReason = null, ChoiceLogprobs? logprobs = null) =>
        new(frame.Id, frame.Created, frame.Model, frame.Model, [new ChunkChoice(choice, delta, finishReason, logprobs)]);

    private static async Task WriteAsync(HttpResponse response, ChatCompletionChunk chunk, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(chunk, OpenAiJsonContext.Default.ChatCompletionChunk);
        await response.Body.WriteAsync(DataPrefix, cancellationToken);
        await response.Body.WriteAsync(json, cancellationToken);
        await response.Body.WriteAsync(EventEnd, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
