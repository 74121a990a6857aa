using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using Verge.Orleans.Grains;
using Verge.Orleans.Grains.Abstractions.Catalog;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.ModelFiles;
using Verge.Orleans.Silo.Hosting;

namespace Verge.Orleans.Tests.Cluster;

/// <summary>Workers of a model spread over silos also when the silos come after them.</summary>
public sealed class SpreadTests
{
    [Fact]
    public async Task ASiloJoiningLaterGetsOneOfTheWorkersWhichThenServes()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.Options.AssumeHomogenousSilosForTesting = false;
        builder.ConfigureHost(host => host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Verge:DataDirectory"] = Path.Combine(Path.GetTempPath(), $"verge-spread-{Guid.NewGuid():N}"),
            ["Verge:WorkerIdleTimeout"] = "00:00:01",
            ["Verge:Models:0:Name"] = "spread",
            ["Verge:Models:0:Path"] = TestModels.ScriptedPath,
            ["Verge:Models:0:ContextSize"] = "512",
            ["Verge:Models:0:Parallel"] = "1",
            ["Verge:Models:0:MinWorkers"] = "2",
            ["Verge:Models:0:MaxWorkers"] = "2",
            ["Verge:Models:0:Cores"] = "1",
        }));
        builder.ConfigureSilo((_, silo) => silo.AddMemoryGrainStorage(StorageNames.Verge).AddVergeGrains(gpu: false));
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        var model = cluster.Client.GetGrain<IModelGrain>("spread");
        IReadOnlyList<WorkerStatus> workers = [];
        await Eventually.HoldsAsync(async () => (workers = await model.GetWorkersAsync()).Count == 2, "two workers on the one silo");
        Assert.Single(workers.Select(w => w.Silo).Distinct());

        var joined = await cluster.StartAdditionalSiloAsync();

        await Eventually.HoldsAsync(
            async () => (workers = await model.GetWorkersAsync()).Count == 2 && workers.Select(w => w.Silo).Distinct().Count() == 2,
            "the workers on two silos");
        Assert.Contains(workers, w => w.Silo == joined.SiloAddress.ToString() && w.SlotsTotal == 1);
        var moved = workers.Single(w => w.Silo == joined.SiloAddress.ToString()).Worker;
        var content = "";
        await foreach (var update in cluster.Client.GetGrain<IModelWorkerGrain>(moved).GenerateAsync(new GenerationRequest { Messages = [new ChatMessage("user", "hi")], Temperature = 0 }))
        {
            content += update.Content;
        }

        Assert.Equal(ScriptedModel.Answer, content);
    }
}
