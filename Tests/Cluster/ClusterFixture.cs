using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using Verge.Orleans.Grains;
using Verge.Orleans.Silo.Hosting;

namespace Verge.Orleans.Tests.Cluster;

/// <summary>
/// Orleans' in-process test cluster with two silos: <c>Silo_0</c> advertises <c>gpu=true</c>,
/// <c>Silo_1</c> does not. Serves the scripted model as a GPU model, a CPU model, and a GPU model
/// with CPU fallback.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const string GpuModel = "gpu-model";
    public const string CpuModel = "cpu-model";
    public const string FallbackModel = "fallback-model";

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
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
        var settings = new Dictionary<string, string?>();
        var models = new[] { (GpuModel, true, false), (CpuModel, false, false), (FallbackModel, true, true) };
        for (var i = 0; i < models.Length; i++)
        {
            var (name, gpu, fallback) = models[i];
            settings[$"Verge:Models:{i}:Name"] = name;
            settings[$"Verge:Models:{i}:Path"] = TestModels.ScriptedPath;
            settings[$"Verge:Models:{i}:Gpu"] = gpu.ToString();
            settings[$"Verge:Models:{i}:AllowCpuFallback"] = fallback.ToString();
            settings[$"Verge:Models:{i}:ContextSize"] = "512";
            settings[$"Verge:Models:{i}:Parallel"] = "2";
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
