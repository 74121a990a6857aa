using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Verge.Orleans.Hosting;

/// <summary>
/// Applies this project's schema scripts (deploy/sql, embedded) before Orleans starts. Every script is
/// idempotent; on PostgreSQL an advisory lock keeps processes starting together from racing.
/// </summary>
internal sealed class SchemaInstaller(ClusterSettings settings, ILogger<SchemaInstaller> logger) : IHostedService
{
    // Any constant: identifies "Verge schema installation" among advisory locks.
    private const long AdvisoryLockKey = 0x5645524745;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!settings.ApplySchema || settings.Storage == StorageKind.Memory)
        {
            return;
        }

        var scripts = Scripts(settings.Storage == StorageKind.PostgreSql ? "postgresql" : "sqlite");
        await using var connection = Open();
        await connection.OpenAsync(cancellationToken);
        if (settings.Storage == StorageKind.PostgreSql)
        {
            await ExecuteAsync(connection, $"SELECT pg_advisory_lock({AdvisoryLockKey})", cancellationToken);
        }

        foreach (var (name, sql) in scripts)
        {
            await ExecuteAsync(connection, sql, cancellationToken);
            logger.LogDebug("Applied schema script {Script}", name);
        }

        if (settings.Storage == StorageKind.PostgreSql)
        {
            await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({AdvisoryLockKey})", cancellationToken);
        }

        logger.LogInformation("Schema ready on {Storage} ({Count} scripts)", settings.Storage, scripts.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private DbConnection Open() => settings.Storage == StorageKind.PostgreSql
        ? new NpgsqlConnection(settings.ConnectionString)
        : new SqliteConnection(settings.ConnectionString);

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static List<(string Name, string Sql)> Scripts(string folder)
    {
        var assembly = typeof(SchemaInstaller).Assembly;
        var prefix = $"Sql.{folder}/";
        return [.. assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name =>
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
                return (name[prefix.Length..], reader.ReadToEnd());
            })];
    }
}
