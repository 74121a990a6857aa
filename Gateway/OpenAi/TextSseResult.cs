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
    public Task ExecuteAsync(HttpContext httpContext)
    {
        var n = request.Generation.N;
        var events = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });
        var stop = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted);
        var pumps = generations.Select((g, prompt) => PumpAsync(g, prompt, events.Writer, stop.Token)).ToArray();

        // Every pump releases its own generation (a worker's slot is freed when its stream is disposed).
        async Task ReleaseAsync()
        {
            await stop.CancelAsync();
            await Task.WhenAll(pumps);
            stop.Dispose();
        }

        return ServerSentEvents.RunAsync(
            httpContext,
            stream => WriteAsync(stream, events.Reader, n),
            (stream, error) => stream.RawAsync(OpenAiErrors.ToSseFrame(error)),
            ReleaseAsync,
            SseResult.Done);
    }

    private async Task WriteAsync(ServerSentEvents stream, ChannelReader<Item> events, int n)
    {
        var answers = generations.Select(_ => new CompletionAccumulator(n)).ToArray();
        var offsets = new int[answers.Length * n];
        var running = generations.Count;
        await foreach (var (prompt, update, error) in events.ReadAllAsync(stream.Aborted))
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
            await WriteUpdateAsync(stream, prompt * n + update.Choice, update, offsets, answers.All(a => a.Complete) ? answers : null);
        }

        if (request.IncludeUsage)
        {
            await stream.DataAsync(new TextCompletion(frame.Id, frame.Created, frame.Model, frame.Model, [], TextAnswer.Usage(answers), TextAnswer.Timings(answers)), OpenAiJsonContext.Default.TextCompletion);
        }
    }

    private async Task WriteUpdateAsync(ServerSentEvents stream, int index, GenerationEvent update, int[] offsets, CompletionAccumulator[]? complete)
    {
        if (update.Content.Length > 0 || update.Logprobs is { Count: > 0 })
        {
            var logprobs = request.Logprobs is null ? null : TextAnswer.Logprobs(update.Logprobs ?? [], offsets[index]);
            offsets[index] += update.Logprobs?.Sum(t => t.Token.Length) ?? 0;
            await stream.DataAsync(Chunk(new TextChoice(index, update.Content, logprobs, null)), OpenAiJsonContext.Default.TextCompletion);
        }

        if (update.Summary is { } summary)
        {
            var finish = Chunk(new TextChoice(index, "", null, ChatAnswer.FinishReasonOf(summary)));
            await stream.DataAsync(complete is null ? finish : finish with { Timings = TextAnswer.Timings(complete) }, OpenAiJsonContext.Default.TextCompletion);
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
            await events.DisposeAsync();
        }
    }

    private TextCompletion Chunk(TextChoice choice) => new(frame.Id, frame.Created, frame.Model, frame.Model, [choice]);

    /// <summary>An event of prompt <see cref="Prompt"/>; neither event nor error: that prompt's stream ended.</summary>
    private sealed record Item(int Prompt, GenerationEvent? Event, Exception? Error);
}
