using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Tests.Cluster;

/// <summary>Workers between Min and Max Workers: scale out on saturation onto another silo, retire when idle, scale to zero.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ScalingTests(ClusterFixture fixture)
{
    [Fact]
    public async Task SaturationStartsASecondWorkerOnAnotherSiloAndIdlenessRetiresIt()
    {
        var model = fixture.Client.GetGrain<IModelGrain>(ClusterFixture.ScalingModel);
        await Eventually.HoldsAsync(async () => (await model.GetWorkersAsync()).Count == 1);

        // One slot per worker: long requests arriving every 100 ms saturate the first worker.
        var load = Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
        {
            await Task.Delay(i * 100);
            return await GenerateAsync(ClusterFixture.ScalingModel, tokens: 1000);
        }));
        IReadOnlyList<WorkerStatus> workers = [];
        await Eventually.HoldsAsync(async () => (workers = await model.GetWorkersAsync()).Count == 2);
        var served = await load;

        Assert.NotEqual(workers[0].Silo, workers[1].Silo);
        Assert.Equal(2, served.Distinct().Count());
        await Eventually.HoldsAsync(async () => (await model.GetWorkersAsync()).Count == 1);
        Assert.Equal(1, (await model.GetStatusAsync()).Workers);
    }

    [Fact]
    public async Task MinZeroStartsAWorkerForTheFirstRequestAndRetiresItWhenIdle()
    {
        var model = fixture.Client.GetGrain<IModelGrain>(ClusterFixture.ZeroModel);
        await Eventually.HoldsAsync(async () => (await model.GetWorkersAsync()).Count == 0);

        // A burst of first requests: all wait for the one worker Max Workers allows.
        var workers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => GenerateAsync(ClusterFixture.ZeroModel, tokens: 8)));

        Assert.Single(workers.Distinct());
        Assert.StartsWith(ClusterFixture.ZeroModel + "/", workers[0]);
        Assert.Single(await model.GetWorkersAsync());
        await Eventually.HoldsAsync(async () => (await model.GetWorkersAsync()).Count == 0);
    }

    [Fact]
    public async Task AConversationKeepsGoingToOneWorkerWhileConversationsSpreadOverAll()
    {
        var model = fixture.Client.GetGrain<IModelGrain>(ClusterFixture.PairModel);
        await Eventually.HoldsAsync(async () => (await model.GetWorkersAsync()).Count == 2);
        var assistant = fixture.Client.GetGrain<IAssistantGrain>(ClusterFixture.PairModel);
        Task<CompletionPlan> Plan(params string[] turns) => assistant.PlanAsync(new GenerationRequest
        {
            Messages = [.. turns.Select((text, i) => new ChatMessage(i % 2 == 0 ? "user" : "assistant", text))],
        });

        // Routing goes by whole blocks of the prompt: an opening this long fills at least one.
        const string Opening = "Tell me about llamas: where they live, what they eat, and why they hum at night.";
        var turnsOfOne = new[] { await Plan(Opening), await Plan(Opening, "They hum.", "More"), await Plan(Opening, "They hum.", "More", "They spit.", "Why?") };
        var openings = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Plan($"Conversation number {i}: {Opening}")));

        Assert.Single(turnsOfOne.Select(p => p.Worker).Distinct());
        Assert.Equal(2, openings.Select(p => p.Worker).Distinct().Count());
    }

    /// <summary>Plans and runs one request the way the gateway does; returns the worker that served it.</summary>
    private async Task<string> GenerateAsync(string assistant, int tokens)
    {
        var plan = await fixture.Client.GetGrain<IAssistantGrain>(assistant).PlanAsync(new GenerationRequest
        {
            Messages = [new ChatMessage("user", "hi")],
            MaxTokens = tokens,
            IgnoreEos = true,
            Temperature = 0,
        });
        GenerationSummary? summary = null;
        await foreach (var update in fixture.Client.GetGrain<IModelWorkerGrain>(plan.Worker).GenerateAsync(plan.Request))
        {
            summary ??= update.Summary;
        }

        Assert.Equal(tokens, summary!.CompletionTokens);
        return plan.Worker;
    }
}
