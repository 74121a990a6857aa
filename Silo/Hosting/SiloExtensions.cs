using System.Net;
using LLama.Native;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Verge.Orleans.Grains;
using Verge.Orleans.Hosting;
using Verge.Orleans.Grains.Abstractions.Limits;
using Verge.Orleans.Grains.Abstractions.Catalog;
using Verge.Orleans.Grains.Catalog;
using Verge.Orleans.Grains.Inference;
using Verge.Orleans.Grains.Placement;

namespace Verge.Orleans.Silo.Hosting;

public static class SiloExtensions
{
    /// <summary>
    /// Hosts a silo in this process. With SQLite or memory storage it clusters with itself on localhost
    /// (the single-process mode); with PostgreSQL it joins the cluster recorded there.
    /// </summary>
    public static IHostApplicationBuilder AddVergeSilo(this IHostApplicationBuilder builder)
    {
        var cluster = builder.AddClusterSettings();
        var options = builder.Configuration.GetSection(SiloOptions.Section).Get<SiloOptions>() ?? new SiloOptions();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.DrainTimeout + TimeSpan.FromSeconds(10));
        builder.UseOrleans(silo =>
        {
            if (cluster.Storage == StorageKind.PostgreSql)
            {
                silo.UseAdoNetClustering(ado => (ado.Invariant, ado.ConnectionString) = (cluster.Invariant, cluster.ConnectionString));
                silo.UseAdoNetReminderService(ado => (ado.Invariant, ado.ConnectionString) = (cluster.Invariant, cluster.ConnectionString));
                silo.Configure<ClusterOptions>(ids => (ids.ClusterId, ids.ServiceId) = (cluster.ClusterId, cluster.ServiceId));
                ConfigureEndpoints(silo, options);
                silo.Configure<ClusterMembershipOptions>(FailureDetection.Tune);
            }
            else
            {
                silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
                silo.UseInMemoryReminderService();
            }

            if (cluster.Storage == StorageKind.Memory)
            {
                silo.AddMemoryGrainStorage(StorageNames.Verge);
            }
            else
            {
                silo.AddAdoNetGrainStorage(StorageNames.Verge, ado => (ado.Invariant, ado.ConnectionString) = (cluster.Invariant, cluster.ConnectionString));
            }

            // The name operators see in the dashboard says whether the silo takes GPU models.
            silo.Configure<global::Orleans.Configuration.SiloOptions>(names =>
                names.SiloName = $"{(options.Gpu ? "gpu" : "cpu")}-{Environment.MachineName}-{options.SiloPort}");
            silo.AddVergeGrains(options.Gpu);
        });
        return builder;
    }

    /// <summary>Everything a Verge silo needs besides clustering and storage: grain services and placement.</summary>
    public static ISiloBuilder AddVergeGrains(this ISiloBuilder silo, bool gpu)
    {
        silo.UseSiloMetadata(new Dictionary<string, string> { [GpuPlacementDirector.MetadataKey] = gpu ? "true" : "false" });
        silo.AddActivityPropagation();
        silo.AddDashboard();
        silo.Configure<SiloMessagingOptions>(messaging =>
        {
            messaging.ResponseTimeout = FailureDetection.ResponseTimeout;
            messaging.CancelRequestOnTimeout = true;
        });
        silo.Services.AddPlacementFilter<GpuPlacementStrategy, GpuPlacementDirector>(ServiceLifetime.Transient);
        silo.Services.AddSingleton<WorkerSilos>();
        silo.Services.AddOptions<CatalogOptions>().BindConfiguration(CatalogOptions.Section)
            .Validate(options => options.Models.All(m => m.Pooling is null || (m.Embedding && ModelSpec.PoolingTypes.Contains(m.Pooling))),
                $"{CatalogOptions.Section}:Models:N:Pooling must be mean, cls or last, and only on a model with Embedding = true.")
            .ValidateOnStart();
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.TryAddKeyedSingleton<TimeProvider>(LimitKeys.Clock, (services, _) => services.GetRequiredService<TimeProvider>());
        silo.Services.AddSingleton<ConfiguredCatalog>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => services.GetRequiredService<ConfiguredCatalog>());
        silo.Services.AddOptions<SiloOptions>().BindConfiguration(SiloOptions.Section);
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, WorkerDrain>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, ModelBootstrapper>();
        silo.Services.AddSingleton(services =>
        {
            RouteNativeLogs(services.GetRequiredService<ILoggerFactory>().CreateLogger("llama.cpp"));
            return new InferenceService(services.GetRequiredService<ILoggerFactory>());
        });
        silo.AddVergeChatSessions();
        return silo;
    }

    // A loopback address (the default, and every test) listens on loopback only; a real one listens on every interface.
    private static void ConfigureEndpoints(ISiloBuilder silo, SiloOptions options)
    {
        if (options.AdvertisedAddress is "" or "auto")
        {
            silo.ConfigureEndpoints(Dns.GetHostName(), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: true);
            return;
        }

        var address = IPAddress.Parse(options.AdvertisedAddress);
        silo.ConfigureEndpoints(address, options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(address));
    }

    // llama.cpp reports every tensor at info level: keep its warnings and errors only.
    private static void RouteNativeLogs(ILogger logger) =>
        NativeLogConfig.llama_log_set((level, message) =>
        {
            if (level is LLamaLogLevel.Warning or LLamaLogLevel.Error)
            {
                logger.Log(level == LLamaLogLevel.Error ? LogLevel.Error : LogLevel.Warning, "{Message}", message.TrimEnd());
            }
        });
}
