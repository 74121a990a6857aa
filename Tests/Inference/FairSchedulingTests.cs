using Verge.Orleans.Grains.Inference;
using static Verge.Orleans.Tests.Inference.EngineRuns;

namespace Verge.Orleans.Tests.Inference;

/// <summary>Fair scheduling between users and keys: the queue as a plain type, then an engine with one slot.</summary>
public sealed class FairSchedulingTests
{
    [Fact]
    public void ALightUsersRequestGoesWithinTheNextTwoWhateverTheHeavyBacklog()
    {
        var queue = new FairQueue<string>();
        for (var i = 0; i < 20; i++)
        {
            queue.Enqueue($"heavy-{i}", "heavy", "k", cost: 100, weight: 1);
        }

        queue.TryDequeue(out var running);
        queue.Enqueue("light", "light", "k", cost: 100, weight: 1);

        Assert.Equal("heavy-0", running);
        Assert.Contains("light", Drain(queue).Take(2));
    }

    [Fact]
    public void AUserOfWeightTwoGetsTwiceTheTurns()
    {
        var queue = new FairQueue<string>();
        for (var i = 0; i < 30; i++)
        {
            queue.Enqueue("a", "a", "k", cost: 10, weight: 2);
            queue.Enqueue("b", "b", "k", cost: 10, weight: 1);
        }

        var first = Drain(queue).Take(30).ToList();

        Assert.Equal(20, first.Count(x => x == "a"));
        Assert.Equal(10, first.Count(x => x == "b"));
    }

    [Fact]
    public void OneUsersKeysTakeTurnsAndEachKeyKeepsItsOrder()
    {
        var queue = new FairQueue<string>();
        foreach (var item in new[] { "ci-1", "ci-2", "ci-3", "ci-4", "laptop-1" })
        {
            queue.Enqueue(item, "team", item.Split('-')[0], cost: 10, weight: 1);
        }

        Assert.Equal(["ci-1", "laptop-1", "ci-2", "ci-3", "ci-4"], Drain(queue));
    }

    [Fact]
    public void RequestsOfOneFlowKeepTheirOrder()
    {
        var queue = new FairQueue<int>();
        foreach (var (item, cost) in new[] { (1, 500.0), (2, 1.0), (3, 50.0) })
        {
            queue.Enqueue(item, "u", "k", cost, weight: 1);
        }

        Assert.True(queue.TryPeek(out var head));
        Assert.Equal(1, head);
        Assert.Equal([1, 2, 3], Drain(queue));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task WithOneSlotALightUserIsAdmittedWithinTheNextTwoAdmissions()
    {
        using var model = LoadedModel.Load(TestModels.ScriptedPath);
        using var engine = Engine(model, parallel: 1);
        var prompt = Prompt(model);
        var settings = new SamplingSettings { Temperature = 0, MaxTokens = 4 };
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        Task<(string Name, double AdmittedMs)> Track(string name, Requester who) => Admission(engine, prompt, settings, name, who, started);

        // A request holds the slot until everyone has queued, so the admissions are the queue's choice alone.
        using var hold = new CancellationTokenSource();
        var holder = engine.Submit(prompt, settings with { MaxTokens = int.MaxValue, IgnoreEos = true }, hold.Token, new Requester("holder", "k0", 1));
        await holder.WaitToReadAsync();
        var heavy = Enumerable.Range(0, 20).Select(i => Track($"heavy-{i}", new Requester("heavy", "k1", 1))).ToList();
        var light = Track("light", new Requester("light", "k2", 1));
        await hold.CancelAsync();
        await Collect(holder);
        var admitted = (await Task.WhenAll([.. heavy, light])).OrderBy(r => r.AdmittedMs).Select(r => r.Name).ToList();

        Assert.InRange(admitted.IndexOf("light"), 0, 2);
    }

    [Fact]
    public async Task AUserMayNotTakeTheLastSlotWhileAnotherUserIsAround()
    {
        using var model = LoadedModel.Load(TestModels.ScriptedPath);
        var prompt = Prompt(model);
        var settings = new SamplingSettings { Temperature = 0, MaxTokens = 6, IgnoreEos = true };
        Task<List<Grains.Abstractions.Inference.GenerationEvent>[]> Backlog(InferenceEngine engine) =>
            Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Collect(engine.Submit(prompt, settings, CancellationToken.None, new Requester("heavy", "k", 1)))));

        using var alone = Engine(model, parallel: 4);
        await Backlog(alone);
        using var shared = Engine(model, parallel: 4);
        await Collect(shared.Submit(prompt, settings, CancellationToken.None, new Requester("light", "k", 1)));
        await Backlog(shared);

        // Alone, the heavy user's backlog fills all four slots; with the light user around it leaves one free.
        Assert.Equal(4, alone.Counters.MaxSequencesPerStep);
        Assert.Equal(3, shared.Counters.MaxSequencesPerStep);
    }

    [Fact]
    public async Task ALightUserArrivingBesideAHeavyBacklogStartsInTheSlotHeldFree()
    {
        using var model = LoadedModel.Load(TestModels.ScriptedPath);
        using var engine = Engine(model, parallel: 4);
        var prompt = Prompt(model);
        var settings = new SamplingSettings { Temperature = 0, MaxTokens = 8, IgnoreEos = true };
        await Collect(engine.Submit(prompt, settings, CancellationToken.None, new Requester("light", "k", 1)));
        var started = System.Diagnostics.Stopwatch.GetTimestamp();

        var heavy = Enumerable.Range(0, 12).Select(i => Admission(engine, prompt, settings, $"heavy-{i}", new Requester("heavy", "k", 1), started)).ToList();
        var light = Admission(engine, prompt, settings with { MaxTokens = 2 }, "light", new Requester("light", "k", 1), started);
        var admitted = (await Task.WhenAll([.. heavy, light])).OrderBy(r => r.AdmittedMs).Select(r => r.Name).ToList();

        // Heavy runs three at a time beside the free slot; the light request takes that slot at once.
        Assert.InRange(admitted.IndexOf("light"), 0, 3);
    }

    // When the engine admitted a request, since origin: when it was submitted plus the wait the engine measured
    // (queue_ms), not when a reader saw it end (thread-pool scheduling may reorder requests ending a millisecond apart).
    private static async Task<(string Name, double AdmittedMs)> Admission(
        InferenceEngine engine, LLama.Native.LLamaToken[] prompt, SamplingSettings settings, string name, Requester who, long origin)
    {
        var submitted = System.Diagnostics.Stopwatch.GetElapsedTime(origin).TotalMilliseconds;
        var events = await Collect(engine.Submit(prompt, settings, CancellationToken.None, who));
        return (name, submitted + events.Single(e => e.Summary is not null).Summary!.QueueMs);
    }

    private static List<T> Drain<T>(FairQueue<T> queue)
    {
        var items = new List<T>();
        while (queue.TryDequeue(out var item))
        {
            items.Add(item);
        }

        return items;
    }
}
