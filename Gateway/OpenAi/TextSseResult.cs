using System.Text.Json;
using System.Threading.Channels;
using Verge.Orleans.Gateway.OpenAi.Contracts;
using Verge.Orleans.Gateway.Serving;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.OpenAi;

/// <summary>
/// Writes a legacy completion as server-sent <c>text_completion</c> chunks: text pieces as they come from
/// every prompt's generation (merged as they arrive), a finish chunk per choice (the last one with
/// timings), the usage chunk when asked, then <c>[DONE]</c>. A failure after the first byte becomes an
/// error frame followed by <c>[DONE]</c>.
/// </summary>
internal sealed class TextSseResult(ResponseFrame frame, IReadOnlyList<IAsyncEnumerator<GenerationEvent>> generations, TextRequest request) : IResult
{
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        var aborted = httpContext.RequestAborted;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var n = request.Generation.N;
        var answers = generations.Select(_ => new CompletionAccumulator(n)).ToArray();
        var offsets = new int[answers.Length * n];
        var events = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var pumps = generations.Select((g, prompt) => PumpAsync(g, prompt, events.Writer, stop.Token)).ToArray();
        var failed = false;
        try
        {
            var running = generations.Count;
            await foreach (var (prompt, update, error) in events.Reader.ReadAllAsync(aborted))
            {
                if (error is not null)
                {
                    throw error;
                }

                if (update is null)
                {
                    running = answers[prompt].Complete ? running - 1 : throw new InvalidOperationException("The worker's stream ended without a result.");
                    if (running == 0)
                    {
                        break;
                    }

                    continue;
                }

                answers[prompt].Add(update);
                await WriteUpdateAsync(response, prompt * n + update.Choice, update, offsets, answers.All(a => a.Complete) ? answers : null, aborted);
            }

            if (request.IncludeUsage)
            {
                await WriteAsync(response, new TextCompletion(frame.Id, frame.Created, frame.Model, frame.Model, [], TextAnswer.Usage(answers), TextAnswer.Timings(answers)), aborted);
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
            // Every pump releases its own generation (a worker's slot is freed when its stream is disposed);
            // after a failure a worker may be unreachable, so they finish in the background, not before [DONE].
            await stop.CancelAsync();
            var released = Task.WhenAll(pumps);
            if (!failed)
            {
                await released;
            }
        }

        await response.Body.WriteAsync(Done, aborted);
        await response.Body.FlushAsync(aborted);
    }

    private async Task WriteUpdateAsync(HttpResponse response, int index, GenerationEvent update, int[] offsets, CompletionAccumulator[]? complete, CancellationToken aborted)
    {
        if (update.Content.Length > 0 || update.Logprobs is { Count: > 0 })
        {
            var logprobs = request.Logprobs is null ? null : TextAnswer.Logprobs(update.Logprobs ?? [], offsets[index]);
            offsets[index] += update.Logprobs?.Sum(t => t.Token.Length) ?? 0;
            await WriteAsync(response, Chunk(new TextChoice(index, update.Content, logprobs, null)), aborted);
        }

        if (update.Summary is { } summary)
        {
            var finish = Chunk(new TextChoice(index, "", null, ChatAnswer.FinishReasonOf(summary)));
            await WriteAsync(response, complete is null ? finish : finish with { Timings = TextAnswer.Timings(complete) }, aborted);
        }
    }

    /// <summary>Reads one generation into the shared channel until it ends, fails or the response stops; then releases it.</summary>
    private static async Task PumpAsync(IAsyncEnumerator<GenerationEvent> events, int prompt, ChannelWriter<Item> writer, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested && await events.MoveNextAsync())
            {
                writer.TryWrite(new Item(prompt, events.Current, null));
            }

            writer.TryWrite(new Item(prompt, null, null));
        }
        catch (Exception error)
        {
            writer.TryWrite(new Item(prompt, null, error));
        }
        finally
        {
            await Failover.DisposeQuietlyAsync(events);
        }
    }

    private TextCompletion Chunk(TextChoice choice) => new(frame.Id, frame.Created, frame.Model, frame.Model, [choice]);

    private static async Task WriteAsync(HttpResponse response, TextCompletion chunk, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync("data: "u8.ToArray(), cancellationToken);
        await response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(chunk, OpenAiJsonContext.Default.TextCompletion), cancellationToken);
        await response.Body.WriteAsync("\n\n"u8.ToArray(), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    /// <summary>An event of prompt <see cref="Prompt"/>; neither event nor error: that prompt's stream ended.</summary>
    private sealed record Item(int Prompt, GenerationEvent? Event, Exception? Error);
}
