using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using Verge.Orleans.Grains;
using Verge.Orleans.Grains.Abstractions.Catalog;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.ModelFiles;
using Verge.Orleans.Hosting;
using Verge.Orleans.Silo.Hosting;

namespace Verge.Orleans.Tests.Cluster;

/// <summary>A model's states: Downloading → Loading → Online, Stopping → Offline, Error with a reason; start, stop, restart.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ModelLifecycleTests(ClusterFixture fixture)
{
    private static readonly string Checksum = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(TestModels.ScriptedPath)));

    [Fact]
    public async Task ADownloadedModelShowsItsProgressThenServes()
    {
        using var server = new SlowFileServer(TestModels.ScriptedPath, TimeSpan.FromMilliseconds(20));
        var (model, path) = await CreateAsync(server.Url, Checksum);

        var seen = await WatchUntilAsync(model, ModelState.Online);

        Assert.Contains(seen, s => s.State == ModelState.Downloading && s.DownloadedBytes > 0 && s.DownloadedBytes < s.TotalBytes && s.Percent is > 0 and < 100);
        Assert.Equal(new FileInfo(TestModels.ScriptedPath).Length, seen[^1].TotalBytes);
        Assert.True(File.Exists(path));
        Assert.Equal(ScriptedModel.Answer, await AnswerAsync(await model.GetSpecAsync() is { } spec ? spec.Name : ""));
    }

    [Fact]
    public async Task AChecksumMismatchPutsTheModelInErrorAndRefusesRequests()
    {
        using var server = new SlowFileServer(TestModels.ScriptedPath, TimeSpan.Zero);
        var (model, path) = await CreateAsync(server.Url, new string('0', 64));

        var status = (await WatchUntilAsync(model, ModelState.Error))[^1];

        Assert.Contains("Checksum mismatch", status.Reason);
        Assert.False(File.Exists(path));
        var refused = await Assert.ThrowsAsync<ServingException>(() => model.PickWorkerAsync([]));
        Assert.Equal((503, "model_not_ready"), (refused.Status, refused.Code));
    }

    [Fact]
    public async Task StopDuringDownloadThenStartAndRestart()
    {
        using var server = new SlowFileServer(TestModels.ScriptedPath, TimeSpan.FromMilliseconds(200));
        var (model, path) = await CreateAsync(server.Url, Checksum);
        await WatchUntilAsync(model, ModelState.Downloading);

        var stopped = await model.StopAsync();

        Assert.Equal(ModelState.Offline, stopped.State);
        Assert.Equal("Stopped by an operator.", stopped.Reason);
        Assert.False(File.Exists(path));
        var refused = await Assert.ThrowsAsync<ServingException>(() => model.PickWorkerAsync([]));
        Assert.Contains("stopped", refused.Message);

        File.Copy(TestModels.ScriptedPath, path); // the file arrives by other means: start loads it without downloading
        Assert.Equal(ModelState.Loading, (await model.StartAsync()).State);
        await WatchUntilAsync(model, ModelState.Online);
        var worker = (await model.GetWorkersAsync()).Single();
        await AnswerAsync(worker.Model);

        var restarted = await model.RestartAsync();
        await WatchUntilAsync(model, ModelState.Online);

        Assert.NotEqual(ModelState.Error, restarted.State);
        Assert.Equal(0, (await model.GetWorkersAsync()).Single().CompletedRequests); // a fresh engine
    }

    [Fact]
    public async Task ARequestPlannedBeforeAStopDoesNotBringItsWorkerBack()
    {
        var name = "late-" + Guid.NewGuid().ToString("N")[..8];
        await fixture.Client.GetGrain<ICatalogGrain>(0).CreateModelAsync(new ModelSpec { Name = name, Path = TestModels.ScriptedPath, Parallel = 1, ContextSize = 512, Cores = 1 });
        var model = fixture.Client.GetGrain<IModelGrain>(name);
        await model.StartAsync();
        await WatchUntilAsync(model, ModelState.Online);
        var planned = await model.PickWorkerAsync([]);

        await model.StopAsync();
        var late = await Assert.ThrowsAsync<ServingException>(async () =>
        {
            await foreach (var _ in fixture.Client.GetGrain<IModelWorkerGrain>(planned).GenerateAsync(new GenerationRequest { Messages = [new ChatMessage("user", "hi")] }))
            {
            }
        });

        Assert.Equal(ServingException.WorkerStoppedCode, late.Code); // the gateway plans such a request again
        Assert.Empty(await model.GetWorkersAsync());
        Assert.Equal(WorkerStatus.Idle, (await fixture.Client.GetGrain<IModelWorkerGrain>(planned).GetStatusAsync()).State);
    }

    [Fact]
    public async Task AGpuModelWithoutAGpuSiloSaysWhyUnlessItMayFallBackToCpu()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureHost(host => host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Verge:DataDirectory"] = Path.Combine(Path.GetTempPath(), $"verge-cpu-only-{Guid.NewGuid():N}"),
            ["Verge:Models:0:Name"] = "gpu-only",
            ["Verge:Models:0:Path"] = TestModels.ScriptedPath,
            ["Verge:Models:0:Gpu"] = "true",
            ["Verge:Models:1:Name"] = "gpu-or-cpu",
            ["Verge:Models:1:Path"] = TestModels.ScriptedPath,
            ["Verge:Models:1:Gpu"] = "true",
            ["Verge:Models:1:AllowCpuFallback"] = "true",
        }));
        builder.ConfigureSilo((_, silo) => silo.AddMemoryGrainStorage(StorageNames.Verge).AddVergeGrains(gpu: false));
        await using var cpuOnly = builder.Build();
        await cpuOnly.DeployAsync();

        var refused = (await WatchUntilAsync(cpuOnly.Client.GetGrain<IModelGrain>("gpu-only"), ModelState.Error))[^1];
        var fallback = (await WatchUntilAsync(cpuOnly.Client.GetGrain<IModelGrain>("gpu-or-cpu"), ModelState.Online))[^1];

        Assert.Equal("No silo may run its workers: it needs a GPU silo (Verge:Silo:Gpu=true) and CPU fallback is off.", refused.Reason);
        Assert.Equal(1, fallback.Workers);

        // Stopped while it keeps trying to load: it goes offline and stays there.
        var stopped = await cpuOnly.Client.GetGrain<IModelGrain>("gpu-only").StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Equal(ModelState.Offline, stopped.State);
        Assert.Equal(ModelState.Offline, (await cpuOnly.Client.GetGrain<IModelGrain>("gpu-only").GetStatusAsync()).State);
    }

    private async Task<(IModelGrain Model, string Path)> CreateAsync(string url, string sha256)
    {
        var name = "dl-" + Guid.NewGuid().ToString("N")[..8];
        var path = Path.Combine(Path.GetTempPath(), $"verge-downloads-{Environment.ProcessId}", name + ".gguf");
        await fixture.Client.GetGrain<ICatalogGrain>(0).CreateModelAsync(new ModelSpec
        {
            Name = name, Path = path, Url = url, Sha256 = sha256, Parallel = 1, ContextSize = 512, Cores = 1,
        });
        var model = fixture.Client.GetGrain<IModelGrain>(name);
        await model.StartAsync();
        return (model, path);
    }

    /// <summary>Polls the model's status until it reaches <paramref name="state"/>; returns every status seen.</summary>
    private static async Task<List<ModelStatus>> WatchUntilAsync(IModelGrain model, ModelState state)
    {
        var seen = new List<ModelStatus>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            seen.Add(await model.GetStatusAsync());
            Assert.True(DateTime.UtcNow < deadline, $"still {seen[^1].State} ({seen[^1].Reason}) after 30 s, waiting for {state}");
            await Task.Delay(10);
        }
        while (seen[^1].State != state);

        return seen;
    }

    private async Task<string> AnswerAsync(string assistant)
    {
        var plan = await fixture.Client.GetGrain<IAssistantGrain>(assistant).PlanAsync(new GenerationRequest { Messages = [new ChatMessage("user", "hi")], Temperature = 0 });
        var content = "";
        await foreach (var update in fixture.Client.GetGrain<IModelWorkerGrain>(plan.Worker).GenerateAsync(plan.Request))
        {
            content += update.Content;
        }

        return content;
    }
}
