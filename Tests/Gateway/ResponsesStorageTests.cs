using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenAI;
using OpenAI.Responses;
using Verge.Orleans.Grains.ModelFiles;
using Verge.Orleans.Grains.Sessions;

namespace Verge.Orleans.Tests.Gateway;

/// <summary>Stored responses survive a restart, live as long as chat history (on gateways of their own, aging by a fake clock) and leave with their user.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ResponsesStorageTests(GatewayFixture gateway)
{
    [Fact]
    public async Task AStoredChainWithAFunctionCallSurvivesARestart()
    {
        var data = Path.Combine(Path.GetTempPath(), $"verge-responses-{Guid.NewGuid():N}");
        var weather = ResponseTool.CreateFunctionTool(ScriptedModel.ToolName, BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""), true);
        ResponseResult called;
        await using (var first = gateway.Isolated(_ => { }, data))
        {
            called = await Responses(first.Server).CreateResponseAsync(new CreateResponseOptions(GatewayFixture.Demo, [ResponseItem.CreateUserMessageItem("Weather in Paris?")])
            {
                Temperature = 0,
                Tools = { weather },
                ToolChoice = ResponseToolChoice.CreateFunctionChoice(ScriptedModel.ToolName),
            });
        }

        await using var restarted = gateway.Isolated(_ => { }, data);
        var client = Responses(restarted.Server);
        ResponseResult read = await client.GetResponseAsync(called.Id);
        var call = Assert.Single(read.OutputItems.OfType<FunctionCallResponseItem>());
        ResponseResult answered = await client.CreateResponseAsync(
            new CreateResponseOptions(GatewayFixture.Demo, [ResponseItem.CreateFunctionCallOutputItem(call.CallId, """{"temperature": 18}""")])
            {
                PreviousResponseId = called.Id,
                Temperature = 0,
                Tools = { weather },
            });

        Assert.Equal(called.Usage.TotalTokenCount, read.Usage.TotalTokenCount);
        Assert.Equal(ScriptedModel.Answer, answered.GetOutputText());
        Assert.True(answered.Usage.InputTokenCount > called.Usage.TotalTokenCount, "the restarted gateway replays the stored chain");
    }

    [Fact]
    public async Task AResponseExpiresWithTheChatHistoryLifetimeAndLeavesStorage()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var data = Path.Combine(Path.GetTempPath(), $"verge-responses-{Guid.NewGuid():N}");
        await using var aging = gateway.Isolated(builder =>
        {
            builder.UseSetting("Verge:ChatHistoryLifetimeDays", "30");
            builder.ConfigureTestServices(services => services.AddKeyedSingleton<TimeProvider>(ChatHistoryOptions.Clock, time));
        }, data);
        var client = Responses(aging.Server);
        const string secret = "Remember the purple llama";
        ResponseResult stored = await client.CreateResponseAsync(new CreateResponseOptions(GatewayFixture.Demo, [ResponseItem.CreateUserMessageItem(secret)]));

        time.Advance(TimeSpan.FromDays(30));
        ResponseResult atLifetime = await client.GetResponseAsync(stored.Id);
        Assert.True(await ChatSessionExpiryTests.StorageContainsAsync(data, secret), "the response was never stored");
        time.Advance(TimeSpan.FromMinutes(1));
        var expired = await Assert.ThrowsAsync<ClientResultException>(() => client.GetResponseAsync(stored.Id));
        var continued = await Assert.ThrowsAsync<ClientResultException>(() => client.CreateResponseAsync(
            new CreateResponseOptions(GatewayFixture.Demo, [ResponseItem.CreateUserMessageItem("More?")]) { PreviousResponseId = stored.Id }));

        Assert.Equal(stored.Id, atLifetime.Id);
        Assert.Equal(404, expired.Status);
        Assert.Equal(404, continued.Status);
        Assert.False(await ChatSessionExpiryTests.StorageContainsAsync(data, secret), "the expired response's text is still in storage");
    }

    [Fact]
    public async Task ADeletedUsersResponsesAreNotInheritedByItsNamesake()
    {
        var user = "user-" + Guid.NewGuid().ToString("N")[..8];
        var admin = gateway.Client();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/users", new { name = user, type = "Api" })).StatusCode);
        ResponseResult stored = await Responses(gateway.Server, await KeyAsync(user)).CreateResponseAsync(
            new CreateResponseOptions(GatewayFixture.Demo, [ResponseItem.CreateUserMessageItem("Hello!")]));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/users/{user}")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/users", new { name = user, type = "Api" })).StatusCode);
        var namesake = Responses(gateway.Server, await KeyAsync(user));

        Assert.Equal(404, (await Assert.ThrowsAsync<ClientResultException>(() => namesake.GetResponseAsync(stored.Id))).Status);
    }

    private async Task<string> KeyAsync(string user)
    {
        var response = await gateway.Client().PostAsJsonAsync($"/api/v1/users/{user}/keys", new { name = "responses" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("key").GetString()!;
    }

    private static ResponsesClient Responses(TestServer server, string key = GatewayFixture.AdminKey) =>
        new OpenAIClient(new ApiKeyCredential(key), new OpenAIClientOptions
        {
            Endpoint = new Uri(server.BaseAddress, "/v1"),
            Transport = new HttpClientPipelineTransport(server.CreateClient()),
            NetworkTimeout = TimeSpan.FromSeconds(60),
        }).GetResponsesClient();
}
