using System.Diagnostics;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Abstractions.Resilience;

namespace Verge.Orleans.Gateway.Serving;

/// <summary>
/// One answer's events as the client sees them, whichever worker generates them. When the worker is lost
/// (its silo died, hung or stopped past its drain: membership declares the silo dead, or its stream fails or
/// falls silent), the request goes to another worker with the tokens already delivered: that worker replays
/// them and goes on, so the client gets every token once, with no error in between. Heartbeats stop here.
/// </summary>
internal sealed class MigratingEvents(
    AcceptedStream first,
    GenerationRequest request,
    Func<GenerationRequest, string, Task<AcceptedStream>> accept,
    SiloWatch silos,
    MigrationOptions options,
    ILogger logger,
    CancellationToken aborted) : IAsyncEnumerator<GenerationEvent>
{
    private readonly List<int> _delivered = [];
    private readonly List<string> _lost = [];
    private IAsyncEnumerator<GenerationEvent> _events = first.Events;
    private string _worker = first.Worker;
    private string _silo = first.Silo;
    private CancellationTokenSource _watching = CancellationTokenSource.CreateLinkedTokenSource(aborted, silos.DeathOf(first.Silo));
    private bool _finished;

    public GenerationEvent Current { get; private set; } = GenerationEvent.Heartbeat;

    public async ValueTask<bool> MoveNextAsync()
    {
        while (true)
        {
            try
            {
                if (!await NextAsync())
                {
                    return false;
                }
            }
            catch (Exception error) when (MayMove(error))
            {
                await MoveAsync(error);
                continue;
            }

            var update = _events.Current;
            if (update.Kind == GenerationEventKind.Heartbeat)
            {
                continue;
            }

            if (update.Tokens is { } tokens)
            {
                _delivered.AddRange(tokens);
            }

            _finished |= update.Kind == GenerationEventKind.Finished;
            Current = update;
            return true;
        }
    }

    public ValueTask DisposeAsync()
    {
        _watching.Dispose();
        return new(DisposeQuietlyAsync(_events));
    }

    /// <summary>Disposes a worker's stream, which fails (or never answers) when the worker is gone.</summary>
    public static async Task DisposeQuietlyAsync(IAsyncEnumerator<GenerationEvent>? events)
    {
        if (events is null)
        {
            return;
        }

        try
        {
            await events.DisposeAsync();
        }
        catch (Exception)
        {
            // The worker is gone: there is nothing left to release.
        }
    }

    // A stream is lost when membership declares its silo dead, or after the stall timeout of silence
    // (a silo not declared dead yet, or a cut link); events already buffered cost no wait.
    private async ValueTask<bool> NextAsync()
    {
        var next = _events.MoveNextAsync();
        if (next.IsCompleted)
        {
            return await next;
        }

        try
        {
            return await next.AsTask().WaitAsync(options.StallTimeout, _watching.Token);
        }
        catch (OperationCanceledException) when (_watching.IsCancellationRequested && !aborted.IsCancellationRequested)
        {
            throw new SiloUnavailableException($"Silo {_silo} was declared dead.");
        }
    }

    // Only a single answer moves (the continuation replays one token list), and never after it finished.
    private bool MayMove(Exception error) =>
        !aborted.IsCancellationRequested && !_finished && request.N == 1 && _lost.Count < options.MaxMoves && SiloLoss.Is(error);

    private async Task MoveAsync(Exception error)
    {
        logger.LogWarning("Worker {Worker} lost after {Tokens} delivered tokens ({Error}); the request goes on elsewhere",
            _worker, _delivered.Count, error.Message);
        _lost.Add(_worker);
        _ = DisposeQuietlyAsync(_events); // a hung silo may never answer the dispose either
        var pause = Stopwatch.StartNew();
        var next = await accept(request with { Continuation = [.. _delivered], AvoidWorkers = [.. _lost] }, _silo);
        (_events, _worker, _silo) = (next.Events, next.Worker, next.Silo);
        _watching.Dispose();
        _watching = CancellationTokenSource.CreateLinkedTokenSource(aborted, silos.DeathOf(_silo));
        logger.LogInformation("Worker {Worker} took the request over after {Milliseconds} ms", _worker, pause.ElapsedMilliseconds);
    }
}
