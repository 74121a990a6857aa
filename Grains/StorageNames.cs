namespace Verge.Orleans.Grains;

/// <summary>The one named grain storage every durable grain uses (memory, SQLite or PostgreSQL by configuration).</summary>
public static class StorageNames
{
    public const string Verge = "verge";
}
