using Microsoft.Extensions.Logging.Abstractions;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Inference;
using Verge.Orleans.Grains.ModelFiles;
using static Verge.Orleans.Tests.Inference.EngineRuns;

namespace Verge.Orleans.Tests.Inference;

/// <summary>
/// Honest admission: a worker takes only what it can start within its longest wait; the rest is a quick
/// 429 whose Retry-After is at least the wait it estimated, and nothing accepted is left hanging.
/// </summary>
public sealed class AdmissionTests
{
    [Fact]
    public async Task RequestsStillWaitingPastTheBoundAreAnswered429AndNeverTakeTheSlot()
    {
        using var model = LoadedModel.Load(TestModels.ScriptedPath);
        using var engine = Bounded(model, TimeSpan.FromMilliseconds(200));
        using var holder = await SlotHolder.StartAsync(engine, model);

        var waiting = Enumerable.Range(0, 3).Select(_ => Collect(engine.Submit(Prompt(model), new SamplingSettings(), CancellationToken.None))).ToList();
        var refusals = await Task.WhenAll(waiting.Select(w => Assert.ThrowsAsync<ServingException>(() => w)));

        Assert.All(refusals, refused => Assert.Equal((429, "server_busy"), (refused.Status, refused.Code)));
        Assert.All(refusals, refused => Assert.True(refused.RetryAfterSeconds >= 1));
        Assert.Equal(0, engine.Counters.Queued); // answered: no longer ahead of anyone, though the fair queue still holds them
        await holder.ReleaseAsync();
        Assert.Equal(1, engine.Counters.CompletedRequests); // only the holder ever had the slot
    }

    [Fact]
    public async Task ARequestThatCouldNotStartWithinTheBoundIsRefusedAtOnceWithTheEstimatedWait()
    {
        using var model = LoadedModel.Load(TestModels.ScriptedPath);
        using var engine = Bounded(model, TimeSpan.FromMilliseconds(1));
        await Run(engine, Prompt(model), new SamplingSettings()); // one measured slot time
        using var holder = await SlotHolder.StartAsync(engine, model);

        var estimate = engine.EstimatedWait;
        var refused = Assert.Throws<ServingException>(() => engine.Submit(Prompt(model), new SamplingSettings(), CancellationToken.None));

        Assert.Equal(429, refused.Status);
        Assert.True(estimate > TimeSpan.Zero);
        Assert.True(refused.RetryAfterSeconds >= Math.Ceiling(estimate.TotalSeconds), $"Retry-After {refused.RetryAfterSeconds} s, estimate {estimate}");
        await holder.ReleaseAsync();
    }

    [Fact]
    public async Task ACancelledWaitingRequestStopsCountingAheadOfNewcomersAtOnce()
    {
        using var model = LoadedModel.Load(TestModels.ScriptedPath);
        using var engine = Bounded(model, TimeSpan.FromMinutes(1));
        using var holder = await SlotHolder.StartAsync(engine, model);
        using var leave = new CancellationTokenSource();
        var leaving = Collect(engine.Submit(Prompt(model), new SamplingSettings(), leave.Token));
        var staying = Collect(engine.Submit(Prompt(model), new SamplingSettings(), CancellationToken.None));
        Assert.Equal(2, engine.Counters.Queued);

        await leave.CancelAsync();

        Assert.Equal(1, engine.Counters.Queued);
        await holder.ReleaseAsync();
        await leaving;
        Assert.EndsWith(ScriptedModel.Answer, Content(await staying));
        Assert.Equal(0, engine.Counters.Queued);
    }

    private static readonly SamplingSettings Endless = new() { IgnoreEos = true, MaxTokens = int.MaxValue, Temperature = 0 };

    private static InferenceEngine Bounded(LoadedModel model, TimeSpan maxWait) =>
        new(model, new EngineOptions { Parallel = 1, ContextSize = 4096, Threads = 2, MaxQueueWait = maxWait }, "test", NullLogger.Instance);

    // An endless request holding the engine's one slot until released: whatever comes meanwhile waits.
    private sealed class SlotHolder : IDisposable
    {
        private readonly CancellationTokenSource _hold = new();
        private System.Threading.Channels.ChannelReader<GenerationEvent> _output = null!;

        public static async Task<SlotHolder> StartAsync(InferenceEngine engine, LoadedModel model)
        {
            var holder = new SlotHolder();
            holder._output = engine.Submit(Prompt(model), Endless, holder._hold.Token);
            await holder._output.WaitToReadAsync();
            return holder;
        }

        public async Task ReleaseAsync()
        {
            await _hold.CancelAsync();
            await Collect(_output);
        }

        public void Dispose() => _hold.Dispose();
    }
}
