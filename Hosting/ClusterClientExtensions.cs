using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Verge.Orleans.Hosting;

public static class ClusterClientExtensions
{
    /// <summary>
    /// Connects this process to a cluster as an Orleans client (a gateway or the front: no silo here).
    /// The cluster's membership is read from PostgreSQL.
    /// </summary>
    public static IHostApplicationBuilder AddVergeClient(this IHostApplicationBuilder builder, Action<IClientBuilder>? configure = null)
    {
        var cluster = builder.AddClusterSettings();
        if (cluster.Storage != StorageKind.PostgreSql)
        {
            throw new InvalidOperationException(
                $"This host is an Orleans client of a cluster recorded in PostgreSQL: set {ClusterSettings.Section}:Storage to PostgreSql " +
                "(the single-process product is `dotnet run --project Standalone`).");
        }

        builder.UseOrleansClient(client =>
        {
            client.UseConnectionRetryFilter<ClusterConnectionRetry>();
            client.AddActivityPropagation();
            client.UseAdoNetClustering(ado => (ado.Invariant, ado.ConnectionString) = (cluster.Invariant, cluster.ConnectionString));
            client.Configure<ClusterOptions>(ids => (ids.ClusterId, ids.ServiceId) = (cluster.ClusterId, cluster.ServiceId));
            client.Configure<GatewayOptions>(gateways => gateways.GatewayListRefreshPeriod = FailureDetection.GatewayListRefreshPeriod);
            client.Configure<ClientMessagingOptions>(messaging =>
            {
                messaging.ResponseTimeout = FailureDetection.ResponseTimeout;
                messaging.CancelRequestOnTimeout = true;
            });
            configure?.Invoke(client);
        });
        return builder;
    }

    /// <summary>Reads <c>Verge:Cluster</c>, fills in the SQLite default, and applies the schema before Orleans starts.</summary>
    public static ClusterSettings AddClusterSettings(this IHostApplicationBuilder builder)
    {
        var cluster = builder.Configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();
        if (cluster.Storage == StorageKind.Sqlite && string.IsNullOrEmpty(cluster.ConnectionString))
        {
            var data = builder.Configuration[ClusterSettings.DataDirectoryKey] ?? ClusterSettings.DefaultDataDirectory;
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

    /// <summary>A client started before any silo waits for one (a minute at most) instead of failing its start.</summary>
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
