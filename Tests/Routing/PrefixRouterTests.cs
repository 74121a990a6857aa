using Microsoft.Extensions.Time.Testing;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Routing;

namespace Verge.Orleans.Tests.Routing;

/// <summary>The router as a plain type: reports in, a worker out.</summary>
public sealed class PrefixRouterTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly PrefixRouter _router;
    private long _sequence;

    public PrefixRouterTests() => _router = new PrefixRouter(_time);

    [Fact]
    public void LongestPrefixWinsOverALighterLoad()
    {
        Report("w1", busy: 0, slots: 4, 1, 2);
        Report("w2", busy: 2, slots: 4, 1, 2, 3, 4);

        var choice = _router.Route([1, 2, 3, 4, 5], ["w1", "w2"], 4);

        Assert.Equal(("w2", 4), (choice.Worker, choice.Matched));
    }

    [Fact]
    public void ASaturatedHolderFallsBackToTheLeastLoaded()
    {
        Report("w1", busy: 4, slots: 4, 1, 2, 3);
        Report("w2", busy: 2, slots: 4, 1);
        Report("w3", busy: 1, slots: 4);

        var choice = _router.Route([1, 2, 3], ["w1", "w2", "w3"], 4);

        Assert.Equal(("w3", 0, false), (choice.Worker, choice.Matched, choice.AllSaturated));
    }

    [Fact]
    public void AQueueCountsAsLoad()
    {
        Queued("w1", busy: 2, slots: 4, queued: 2, 1, 2);
        Report("w2", busy: 0, slots: 4);

        Assert.Equal("w2", _router.Route([1, 2], ["w1", "w2"], 4).Worker);
    }

    [Fact]
    public void EqualMatchesGoToTheLeastLoaded()
    {
        Report("w1", busy: 3, slots: 4, 1, 2);
        Report("w2", busy: 1, slots: 4, 1, 2);
        Report("w3", busy: 0, slots: 4, 7);

        var choice = _router.Route([1, 2, 3], ["w1", "w2", "w3"], 4);

        Assert.Equal(("w2", 2), (choice.Worker, choice.Matched));
    }

    [Fact]
    public void LoadIsComparedAsAShareOfEachWorkersSlots()
    {
        Report("w1", busy: 2, slots: 2);
        Report("w2", busy: 2, slots: 8);

        Assert.Equal("w2", _router.Route([9], ["w1", "w2"], 4).Worker);
    }

    [Fact]
    public void OnlyAnUnbrokenRunOfBlocksFromTheStartCounts()
    {
        Report("w1", busy: 0, slots: 4, 1, 3, 4);
        Report("w2", busy: 1, slots: 4, 1, 2);

        Assert.Equal(("w2", 2), (_router.Route([1, 2, 3, 4], ["w1", "w2"], 4) is var c ? (c.Worker, c.Matched) : default));
    }

    [Fact]
    public void EveryWorkerSaturatedIsSaidSoAndTheLeastLoadedTakesIt()
    {
        Queued("w1", busy: 2, slots: 2, queued: 3, 1);
        Queued("w2", busy: 2, slots: 2, queued: 1);

        var choice = _router.Route([1], ["w1", "w2"], 2);

        Assert.Equal(("w2", true), (choice.Worker, choice.AllSaturated));
    }

    [Fact]
    public void ADrainingWorkerTakesNothingWhileAnotherCan()
    {
        Report("w1", busy: 0, slots: 4, 1, 2);
        _router.Report(new WorkerReport { Worker = "w1", Silo = "s", Sequence = ++_sequence, SlotsTotal = 4, Draining = true, Prefixes = [1, 2] });
        Report("w2", busy: 3, slots: 4);

        Assert.Equal("w2", _router.Route([1, 2], ["w1", "w2"], 4).Worker);
        Assert.Equal("w1", _router.Route([1, 2], ["w1"], 4).Worker);
    }

    [Fact]
    public void ABurstSpreadsAndAConversationFollowsItsFirstTurnBeforeAnyReport()
    {
        var firsts = Enumerable.Range(0, 8).Select(i => _router.Route([(ulong)(100 + i)], ["w1", "w2"], 4).Worker).ToList();
        var seconds = Enumerable.Range(0, 8).Select(i => _router.Route([(ulong)(100 + i), 7], ["w1", "w2"], 4).Worker).ToList();

        Assert.Equal(4, firsts.Count(w => w == "w1"));
        Assert.Equal(firsts, seconds);
    }

    [Fact]
    public void WhatWasSentToAWorkerIsForgottenAfterAWhileUnlessItReportsIt()
    {
        Report("w1", busy: 0, slots: 4);
        Report("w2", busy: 0, slots: 4);
        var first = _router.Route([5, 6], ["w1", "w2"], 4).Worker;
        Report(first, busy: 0, slots: 4);
        Report(first == "w1" ? "w2" : "w1", busy: 0, slots: 4, 5);

        _time.Advance(PrefixRouter.RoutedLifetime);

        Assert.NotEqual(first, _router.Route([5, 6], ["w1", "w2"], 4).Worker);
    }

    [Fact]
    public void AnOlderReportArrivingLateIsIgnored()
    {
        _router.Report(new WorkerReport { Worker = "w1", Silo = "s", Sequence = 10, SlotsTotal = 4, Prefixes = [1] });
        _router.Report(new WorkerReport { Worker = "w1", Silo = "s", Sequence = 9, SlotsTotal = 4, SlotsBusy = 4 });
        Report("w2", busy: 0, slots: 4);

        Assert.Equal(("w1", 1), (_router.Route([1], ["w1", "w2"], 4) is var c ? (c.Worker, c.Matched) : default));
    }

    [Fact]
    public void AWorkerThatNeverReportedIsIdleWithTheModelsSlots()
    {
        Report("w1", busy: 1, slots: 4);

        Assert.Equal("w2", _router.Route([1], ["w1", "w2"], 4).Worker);
    }

    [Fact]
    public void AForgottenWorkersPrefixesNoLongerCount()
    {
        Report("w1", busy: 0, slots: 4, 1);
        Report("w2", busy: 1, slots: 4);
        _router.Forget("w1");

        Assert.Equal(("w1", 0), (_router.Route([1], ["w1", "w2"], 4) is var c ? (c.Worker, c.Matched) : default)); // as a fresh, idle worker
    }

    private void Report(string worker, int busy, int slots, params ulong[] prefixes) => Queued(worker, busy, slots, 0, prefixes);

    private void Queued(string worker, int busy, int slots, int queued, params ulong[] prefixes) =>
        _router.Report(new WorkerReport { Worker = worker, Silo = "s", Sequence = ++_sequence, SlotsBusy = busy, SlotsTotal = slots, Queued = queued, Prefixes = prefixes });
}
