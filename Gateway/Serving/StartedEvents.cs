using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.Serving;

/// <summary>
/// A generation's events once the first of them (the first token, or the end) has come. Until then a
/// request can still be refused as a whole: a request whose wait for a slot ran out gets its 429 and
/// <c>Retry-After</c> as the response's status, as OpenAI's clients expect, instead of a 200 and an
/// error frame after the stream's first chunk.
/// </summary>
internal sealed class StartedEvents : IAsyncEnumerator<GenerationEvent>
{
    private readonly IAsyncEnumerator<GenerationEvent> _events;
    private readonly bool _any;
    private bool _firstTaken;

    private StartedEvents(IAsyncEnumerator<GenerationEvent> events, bool any) => (_events, _any) = (events, any);

    /// <summary>Waits for the first event of <paramref name="events"/>; a failure before it disposes them and throws.</summary>
    public static async Task<IAsyncEnumerator<GenerationEvent>> WaitAsync(IAsyncEnumerator<GenerationEvent> events)
    {
        try
        {
            return new StartedEvents(events, await events.MoveNextAsync());
        }
        catch (Exception)
        {
            _ = MigratingEvents.DisposeQuietlyAsync(events); // a worker on a hung silo would hold the refusal back
            throw;
        }
    }

    public GenerationEvent Current => _events.Current;

    public ValueTask<bool> MoveNextAsync()
    {
        if (_firstTaken)
        {
            return _any ? _events.MoveNextAsync() : ValueTask.FromResult(false);
        }

        _firstTaken = true;
        return ValueTask.FromResult(_any);
    }

    public ValueTask DisposeAsync() => _events.DisposeAsync();
}
