namespace Verge.Orleans.Hosting;

/// <summary>Where durable state (and, for PostgreSQL, cluster membership) lives.</summary>
public enum StorageKind
{
    /// <summary>A SQLite file in the data folder, membership on localhost: the single-process default.</summary>
    Sqlite,

    /// <summary>PostgreSQL holds grain state, cluster membership and reminders: the cluster mode.</summary>
    PostgreSql,

    /// <summary>Nothing survives a restart (throwaway demos).</summary>
    Memory,
}

/// <summary>The <c>Verge:Cluster</c> section, read by silos and by gateways alike.</summary>
public sealed class ClusterSettings
{
    public const string Section = "Verge:Cluster";

    /// <summary>The data folder (models, the SQLite file), shared with the catalog's <c>Verge:DataDirectory</c>.</summary>
    public const string DataDirectoryKey = "Verge:DataDirectory";

    public const string DefaultDataDirectory = "data";

    public StorageKind Storage { get; set; } = StorageKind.Sqlite;

    /// <summary>ADO.NET connection string; for SQLite it defaults to <c>verge.db</c> in the data folder.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Create or upgrade this project's schema at start (turn off for managed databases).</summary>
    public bool ApplySchema { get; set; } = true;

    /// <summary>Silos and gateways with the same cluster id and database form one cluster.</summary>
    public string ClusterId { get; set; } = "verge";

    /// <summary>Grain state is keyed by the service id: keep it across deployments.</summary>
    public string ServiceId { get; set; } = "verge";

    /// <summary>The ADO.NET provider name Orleans is given for <see cref="Storage"/>.</summary>
    public string Invariant => Storage == StorageKind.PostgreSql ? "Npgsql" : "System.Data.SQLite";
}
