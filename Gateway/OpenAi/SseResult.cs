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
    public const string Done = "data: [DONE]\n\n";

    public Task ExecuteAsync(HttpContext httpContext) => ServerSentEvents.RunAsync(
        httpContext,
        WriteAsync,
        (stream, error) => stream.RawAsync(OpenAiErrors.ToSseFrame(error)),
        () => events.DisposeAsync().AsTask(),
        Done);

    private async Task WriteAsync(ServerSentEvents stream)
    {
        var answer = new CompletionAccumulator(request.Generation.N);
        for (var choice = 0; choice < request.Generation.N; choice++)
        {
            await ChunkAsync(stream, choice, new ChunkDelta(Role: "assistant", Content: ""));
        }

        while (!answer.Complete && await events.MoveNextAsync())
        {
            var update = events.Current;
            answer.Add(update);
            await WriteDeltasAsync(stream, update);
            if (update.Summary is { } summary)
            {
                if (answer.Complete && recorder is not null)
                {
                    await recorder.RecordAsync(summary, answer.Content, answer.Reasoning);
                }

                var finish = Chunk(update.Choice, new ChunkDelta(), ChatAnswer.FinishReasonOf(summary));
                await stream.DataAsync(answer.Complete ? finish with { Timings = ChatAnswer.Timings(answer) } : finish, OpenAiJsonContext.Default.ChatCompletionChunk);
            }
        }

        if (!answer.Complete)
        {
            throw new InvalidOperationException("The worker's stream ended without a result.");
        }

        if (request.IncludeUsage)
        {
            var usage = new ChatCompletionChunk(frame.Id, frame.Created, frame.Model, frame.Model, [], ChatAnswer.Usage(answer), ChatAnswer.Timings(answer));
            await stream.DataAsync(usage, OpenAiJsonContext.Default.ChatCompletionChunk);
        }
    }

    /// <summary>Reasoning, content and tool calls go out in separate chunks; log probabilities ride with the content.</summary>
    private async Task WriteDeltasAsync(ServerSentEvents stream, GenerationEvent update)
    {
        var logprobs = update.Logprobs is { Count: > 0 } tokens ? ChatAnswer.Logprobs(tokens) : null;
        if (update.Reasoning.Length > 0)
        {
            await ChunkAsync(stream, update.Choice, new ChunkDelta(ReasoningContent: update.Reasoning));
        }

        if (update.Content.Length > 0 || logprobs is not null)
        {
            await ChunkAsync(stream, update.Choice, new ChunkDelta(Content: update.Content), logprobs);
        }

        foreach (var piece in update.ToolCalls ?? [])
        {
            var call = new ToolCallChunk(piece.Index, piece.Id, piece.Id is null ? null : "function", new FunctionCallChunk(piece.Name, piece.Arguments));
            await ChunkAsync(stream, update.Choice, new ChunkDelta(ToolCalls: [call]));
        }
    }

    private Task ChunkAsync(ServerSentEvents stream, int choice, ChunkDelta delta, ChoiceLogprobs? logprobs = null) =>
        stream.DataAsync(Chunk(choice, delta, logprobs: logprobs), OpenAiJsonContext.Default.ChatCompletionChunk);

    private ChatCompletionChunk Chunk(int choice, ChunkDelta delta, string? finishReason = null, ChoiceLogprobs? logprobs = null) =>
        new(frame.Id, frame.Created, frame.Model, frame.Model, [new ChunkChoice(choice, delta, finishReason, logprobs)]);
}
