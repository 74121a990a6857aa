using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Verge.Orleans.Tests.Gateway;

namespace Verge.Orleans.Tests.Durability;

/// <summary>The single-process default keeps its state in SQLite under the data folder.</summary>
public sealed class SingleProcessDurabilityTests
{
    [Fact]
    public async Task UsersKeysModelsAndAssistantsSurviveARestart()
    {
        var data = Path.Combine(Path.GetTempPath(), $"verge-restart-{Guid.NewGuid():N}");
        var scenario = new DurableScenario();

        await using (var first = new GatewayFixture(data))
        {
            await scenario.WriteAsync(key => first.Client(key));
        }

        await using var second = new GatewayFixture(data);
        await scenario.VerifyAsync(key => second.Client(key));
    }

    [Fact]
    public async Task StorageHoldsTheKeysHashButNeverTheKey()
    {
        var data = Path.Combine(Path.GetTempPath(), $"verge-hash-{Guid.NewGuid():N}");
        await using var gateway = new GatewayFixture(data);
        var created = await gateway.Client().PostAsJsonAsync("/api/v1/users/admin/keys", new { name = "inspected" });
        var token = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("key").GetString()!;

        var stored = await ReadAllStateAsync(Path.Combine(data, "verge.db"));

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        Assert.True(Contains(stored, hash) || Contains(stored, Encoding.UTF8.GetBytes(Convert.ToBase64String(hash))), "the key's hash is not in storage");
        var secret = token[(token.IndexOf('_', 3) + 1)..]; // vk_<id>_<secret>; the secret itself may hold '_'
        Assert.Equal(43, secret.Length);
        Assert.False(Contains(stored, Encoding.UTF8.GetBytes(secret)), "the key's secret is in storage");
    }

    private static async Task<List<byte[]>> ReadAllStateAsync(string database)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        await connection.OpenAsync();
        var command = connection.CreateCommand();
        command.CommandText = "SELECT PayloadBinary FROM OrleansStorage WHERE PayloadBinary IS NOT NULL";
        var rows = new List<byte[]>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((byte[])reader[0]);
        }

        Assert.NotEmpty(rows);
        return rows;
    }

    private static bool Contains(List<byte[]> rows, byte[] needle) =>
        rows.Any(row => row.AsSpan().IndexOf(needle) >= 0);
}
