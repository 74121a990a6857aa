using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using Verge.Orleans.Grains;
using Verge.Orleans.Hosting;
using Verge.Orleans.Silo.Hosting;

namespace Verge.Orleans.Tests.Cluster;

/// <summary>
/// Orleans' in-process test cluster with three silos: <c>Silo_0</c> advertises <c>gpu=true</c>, the
/// others do not. Serves the scripted model as a GPU model, a CPU model, a GPU model with CPU
/// fallback, a CPU model that scales between 1 and 2 one-slot workers, one that scales to zero, and
/// one that always runs two workers.
/// Idle workers retire after a second.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const string GpuModel = "gpu-model";
    public const string CpuModel = "cpu-model";
    public const string FallbackModel = "fallback-model";
    public const string ScalingModel = "scaling-model";
    public const string ZeroModel = "zero-model";
    public const string PairModel = "pair-model";

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(3);
        builder.Options.ConfigureFileLogging = false;
        builder.Options.AssumeHomogenousSilosForTesting = false;
        builder.ConfigureHost(host => host.Configuration.AddInMemoryCollection(Models()));
        builder.ConfigureSilo((options, silo) => silo
            .AddMemoryGrainStorage(StorageNames.Verge)
            .AddVergeGrains(gpu: options.SiloName == "Silo_0"));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private static Dictionary<string, string?> Models()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Verge:DataDirectory"] = Path.Combine(Path.GetTempPath(), $"verge-cluster-{Guid.NewGuid():N}"),
            ["Verge:WorkerIdleTimeout"] = "00:00:01",
        };
        var models = new[]
        {
            (GpuModel, true, false, 2, 1, 1), // name, gpu, fallback, parallel, min, max
            (CpuModel, false, false, 2, 1, 1),
            (FallbackModel, true, true, 2, 1, 1),
            (ScalingModel, false, false, 1, 1, 2),
            (ZeroModel, false, false, 1, 0, 1),
            (PairModel, false, false, 4, 2, 2),
        };
        for (var i = 0; i < models.Length; i++)
        {
            var (name, gpu, fallback, parallel, min, max) = models[i];
            settings[$"Verge:Models:{i}:Name"] = name;
            settings[$"Verge:Models:{i}:Path"] = TestModels.ScriptedPath;
            settings[$"Verge:Models:{i}:Gpu"] = gpu.ToString();
            settings[$"Verge:Models:{i}:AllowCpuFallback"] = fallback.ToString();
            settings[$"Verge:Models:{i}:ContextSize"] = name == ScalingModel ? "2048" : "512";
            settings[$"Verge:Models:{i}:Parallel"] = parallel.ToString();
            settings[$"Verge:Models:{i}:MaxQueue"] = "32";
            settings[$"Verge:Models:{i}:MinWorkers"] = min.ToString();
            settings[$"Verge:Models:{i}:MaxWorkers"] = max.ToString();
            settings[$"Verge:Models:{i}:Cores"] = "1";
        }

        return settings;
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
