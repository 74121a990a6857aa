using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Verge.Orleans.Gateway.Serving;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Abstractions.Resilience;

namespace Verge.Orleans.Tests.Gateway;

/// <summary>
/// How a gateway's answer reacts to what membership says of its worker's silo, with the stall timeout far
/// away: only a declared death moves it.
/// </summary>
public sealed class MigratingEventsTests
{
    private static readonly MigrationOptions Patient = new() { StallTimeout = TimeSpan.FromMinutes(5) };

    private static readonly GenerationRequest Request = new() { Messages = [new ChatMessage("user", "Hi")] };

    [Fact]
    public async Task AnAnswerOnASiloDeclaredDeadMovesWithoutWaitingForTheStall()
    {
        var silos = new SiloWatch(null!, NullLogger<SiloWatch>.Instance);
        var first = Channel.CreateUnbounded<GenerationEvent>();
        await first.Writer.WriteAsync(new GenerationEvent(GenerationEventKind.Delta, "a") { Tokens = [7] });
        var moved = new TaskCompletionSource<(GenerationRequest Request, string LostSilo)>();
        var events = Events(first.Reader.ReadAllAsync(), silos, (continuation, lostSilo) =>
        {
            moved.SetResult((continuation, lostSilo));
            return Task.FromResult(new AcceptedStream(Finished().GetAsyncEnumerator(), "w1", "S2"));
        });

        Assert.True(await events.MoveNextAsync());
        var waiting = events.MoveNextAsync().AsTask();
        ((ISiloWatcher)silos).SilosDied(["S1"]);

        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(30)), "the answer did not go on after its silo died");
        Assert.Equal(GenerationEventKind.Finished, events.Current.Kind);
        var (continuation, lost) = await moved.Task;
        Assert.Equal(new[] { 7 }, continuation.Continuation);
        Assert.Equal(new[] { "w0" }, continuation.AvoidWorkers);
        Assert.Equal("S1", lost);
    }

    [Fact]
    public async Task AnotherSilosDeathLeavesTheAnswerWhereItIs()
    {
        var silos = new SiloWatch(null!, NullLogger<SiloWatch>.Instance);
        var first = Channel.CreateUnbounded<GenerationEvent>();
        var events = Events(first.Reader.ReadAllAsync(), silos, (_, _) => throw new InvalidOperationException("moved"));

        var waiting = events.MoveNextAsync().AsTask();
        ((ISiloWatcher)silos).SilosDied(["S2"]);
        await first.Writer.WriteAsync(new GenerationEvent(GenerationEventKind.Finished));

        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(30)), "the answer did not go on");
        Assert.Equal(GenerationEventKind.Finished, events.Current.Kind);
    }

    private static MigratingEvents Events(
        IAsyncEnumerable<GenerationEvent> first, SiloWatch silos, Func<GenerationRequest, string, Task<AcceptedStream>> accept) =>
        new(new AcceptedStream(first.GetAsyncEnumerator(), "w0", "S1"), Request, accept, silos, Patient, NullLogger.Instance, CancellationToken.None);

    private static async IAsyncEnumerable<GenerationEvent> Finished()
    {
        await Task.Yield();
        yield return new GenerationEvent(GenerationEventKind.Finished);
    }
}
