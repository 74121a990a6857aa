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
using Verge.Orleans.Grains.Abstractions.Limits;
using Verge.Orleans.Grains.Abstractions.Catalog;
using Verge.Orleans.Grains.Catalog;
using Verge.Orleans.Grains.Inference;
using Verge.Orleans.Grains.Placement;

namespace Verge.Orleans.Silo.Hosting;

public static class SiloExtensions
{
    /// <summary>
    /// How long a grain call may go unanswered, on silos and gateways alike. A call in flight to a silo
    /// that crashed fails after it (a stream with an error frame), so it is short; streams stay alive
    /// regardless, since a silo answers a pending stream read at half this time at the latest.
    /// </summary>
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(6);

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
                silo.Configure<ClusterMembershipOptions>(TuneFailureDetection);
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

    /// <summary>
    /// Connects this process to a cluster as an Orleans client (a gateway that hosts no silo). The
    /// cluster's membership is read from PostgreSQL.
    /// </summary>
    public static IHostApplicationBuilder AddVergeClient(this IHostApplicationBuilder builder)
    {
        var cluster = builder.AddClusterSettings();
        if (cluster.Storage != StorageKind.PostgreSql)
        {
            throw new InvalidOperationException($"A gateway without its own silo finds the cluster in PostgreSQL: set {ClusterSettings.Section}:Storage to PostgreSql.");
        }

        builder.UseOrleansClient(client =>
        {
            client.UseConnectionRetryFilter<ClusterConnectionRetry>();
            client.AddActivityPropagation();
            client.AddDashboard();
            client.UseAdoNetClustering(ado => (ado.Invariant, ado.ConnectionString) = (cluster.Invariant, cluster.ConnectionString));
            client.Configure<ClusterOptions>(ids => (ids.ClusterId, ids.ServiceId) = (cluster.ClusterId, cluster.ServiceId));
            client.Configure<GatewayOptions>(gateways => gateways.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
            client.Configure<ClientMessagingOptions>(messaging =>
            {
                messaging.ResponseTimeout = ResponseTimeout;
                messaging.CancelRequestOnTimeout = true;
            });
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
            messaging.ResponseTimeout = ResponseTimeout;
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

    /// <summary>Reads <c>Verge:Cluster</c>, fills in the SQLite default, and applies the schema before Orleans starts.</summary>
    private static ClusterSettings AddClusterSettings(this IHostApplicationBuilder builder)
    {
        var cluster = builder.Configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();
        if (cluster.Storage == StorageKind.Sqlite && string.IsNullOrEmpty(cluster.ConnectionString))
        {
            var data = builder.Configuration.GetSection(CatalogOptions.Section).Get<CatalogOptions>()?.DataDirectory ?? new CatalogOptions().DataDirectory;
            Directory.CreateDirectory(data);
            cluster.ConnectionString = $"Data Source={Path.GetFullPath(Path.Combine(data, "verge.db"))}";
        }
        else if (cluster.Storage == StorageKind.PostgreSql && string.IsNullOrEmpty(cluster.ConnectionString))
        {
            throw new InvalidOperationException($"{ClusterSettings.Section}:ConnectionString is required with PostgreSQL storage.");
        }

        builder.Services.AddSingleton(cluster);
        builder.Services.AddHostedService<SchemaInstaller>();
        return cluster;
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

    // FACTS.md: these notice a crashed silo in about a second and a hung one in under two, instead of a minute.
    private static void TuneFailureDetection(ClusterMembershipOptions membership)
    {
        membership.ProbeTimeout = TimeSpan.FromSeconds(1);
        membership.NumMissedProbesLimit = 2;
        membership.TableRefreshTimeout = TimeSpan.FromSeconds(5);
        membership.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
        membership.EnableConnectionLivenessCheck = false; // it suppresses votes against a hung silo
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

    /// <summary>A gateway started before any silo waits for one (a minute at most) instead of failing its start.</summary>
    private sealed class ClusterConnectionRetry(ILogger<ClusterConnectionRetry> logger) : IClientConnectionRetryFilter
    {
        private int _attempts;

        public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
        {
            if (++_attempts > 60)
            {
                return false;
            }

            logger.LogWarning("No silo reachable yet ({Message}); retrying", exception.Message);
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return true;
        }
    }
}
