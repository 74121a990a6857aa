using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Verge.Orleans.Grains.Sessions;

namespace Verge.Orleans.Tests.Gateway;

/// <summary>Chat History Lifetime, on a gateway of its own whose sessions age by a fake clock.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ChatSessionExpiryTests(GatewayFixture gateway)
{
    [Fact]
    public async Task SessionsExpireLifetimeDaysAfterTheirLastTurnAndLeaveStorage()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var data = Path.Combine(Path.GetTempPath(), $"verge-sessions-{Guid.NewGuid():N}");
        await using var aging = gateway.Isolated(builder =>
        {
            builder.UseSetting("Verge:ChatHistoryLifetimeDays", "30");
            builder.ConfigureTestServices(services => services.AddKeyedSingleton<TimeProvider>(ChatHistoryOptions.Clock, time));
        }, data);
        var client = aging.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", GatewayFixture.AdminKey);
        const string secret = "Remember the purple llama";
        var id = ChatSessionsTests.NewSessionId();
        await SessionChat.SendAsync(client, GatewayFixture.Demo, [("user", secret)], header: id);
        time.Advance(TimeSpan.FromDays(20));
        await SessionChat.SendAsync(client, GatewayFixture.Demo, [("user", "Still there?")], header: id);

        time.Advance(TimeSpan.FromDays(30));
        var atLifetime = await client.GetAsync($"/api/v1/sessions/{id}");
        Assert.True(await StorageContainsAsync(data, secret), "the session was never stored");
        time.Advance(TimeSpan.FromMinutes(1));
        var expired = await client.GetAsync($"/api/v1/sessions/{id}");
        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/sessions");
        var restarted = await SessionChat.SendAsync(client, GatewayFixture.Demo, [("user", "Hello")], header: id);
        var fresh = await SessionChat.SendAsync(client, GatewayFixture.Demo, [("user", "Hello")]);

        Assert.Equal(HttpStatusCode.OK, atLifetime.StatusCode);
        Assert.Equal(2, ChatSessionsTests.Turns(await atLifetime.Content.ReadFromJsonAsync<JsonElement>()).Count);
        Assert.Equal(HttpStatusCode.NotFound, expired.StatusCode);
        Assert.Empty(list.EnumerateArray());
        Assert.Equal(fresh.PromptTokens, restarted.PromptTokens);
        Assert.False(await StorageContainsAsync(data, secret), "the expired session's text is still in storage");
    }

    [Fact]
    public async Task StartingOneSessionTooManyDropsTheLeastRecentlyUsed()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var capped = gateway.Isolated(builder =>
        {
            builder.UseSetting("Verge:ChatHistoryMaxSessions", "2");
            builder.ConfigureTestServices(services => services.AddKeyedSingleton<TimeProvider>(ChatHistoryOptions.Clock, time));
        });
        var client = capped.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", GatewayFixture.AdminKey);
        var (first, second, third) = (ChatSessionsTests.NewSessionId(), ChatSessionsTests.NewSessionId(), ChatSessionsTests.NewSessionId());
        foreach (var id in new[] { first, second, first, third })
        {
            await SessionChat.SendAsync(client, GatewayFixture.Demo, [("user", "hi")], header: id);
            time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/sessions/{first}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/sessions/{second}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/sessions/{third}")).StatusCode);
    }

    internal static async Task<bool> StorageContainsAsync(string data, string text)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(data, "verge.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        var command = connection.CreateCommand();
        command.CommandText = "SELECT PayloadBinary FROM OrleansStorage WHERE PayloadBinary IS NOT NULL";
        var needle = Encoding.UTF8.GetBytes(text);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (((byte[])reader[0]).AsSpan().IndexOf(needle) >= 0)
            {
                return true;
            }
        }

        return false;
    }
}
