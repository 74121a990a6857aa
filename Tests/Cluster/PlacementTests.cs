using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.ModelFiles;

namespace Verge.Orleans.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class PlacementTests(ClusterFixture fixture)
{
    private string GpuSilo => fixture.Cluster.Silos.Single(s => s.Name == "Silo_0").SiloAddress.ToString();

    [Fact]
    public async Task EveryGpuWorkerActivationLandsOnTheGpuSilo()
    {
        var silos = await StartWorkers(ClusterFixture.GpuModel, WorkerPlacement.Gpu, count: 12);

        Assert.All(silos, silo => Assert.Equal(GpuSilo, silo));
    }

    [Fact]
    public async Task FallbackWorkersPreferTheGpuSiloWhileItLives()
    {
        var silos = await StartWorkers(ClusterFixture.FallbackModel, WorkerPlacement.GpuPreferred, count: 8);

        Assert.All(silos, silo => Assert.Equal(GpuSilo, silo));
    }

    [Fact]
    public async Task WorkerInTheClusterServesTheScriptedAnswer()
    {
        var plan = await fixture.Client.GetGrain<IAssistantGrain>(ClusterFixture.GpuModel)
            .PlanAsync(new GenerationRequest { Messages = [new ChatMessage("user", "hi")], Temperature = 0 });
        var content = "";
        await foreach (var update in fixture.Client.GetGrain<IModelWorkerGrain>(plan.Worker).GenerateAsync(plan.Request))
        {
            content += update.Content;
        }

        Assert.Equal(ScriptedModel.Answer, content);
    }

    [Fact]
    public async Task UnknownAssistantThrowsModelNotFound()
    {
        var error = await Assert.ThrowsAsync<ServingException>(() =>
            fixture.Client.GetGrain<IAssistantGrain>("nope").PlanAsync(new GenerationRequest { Messages = [new ChatMessage("user", "hi")] }));

        Assert.Equal(404, error.Status);
        Assert.Equal("model_not_found", error.Code);
    }

    private async Task<string[]> StartWorkers(string model, WorkerPlacement placement, int count)
    {
        // Replicas far above the model's own keep these activations apart from other tests' workers (its
        // model does not admit them, so they never load; a status call is enough to place them).
        var statuses = await Task.WhenAll(Enumerable.Range(100, count).Select(replica =>
            fixture.Client.GetGrain<IModelWorkerGrain>(new WorkerKey(model, replica, placement).ToString()).GetStatusAsync()));
        return statuses.Select(s => s.Silo).ToArray();
    }
}
