using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenAI.Chat;
using Verge.Orleans.Gateway.Identity;
using Verge.Orleans.Grains.Abstractions.Identity;

namespace Verge.Orleans.Tests.Gateway;

[Collection(GatewayCollection.Name)]
public sealed class AuthTests(GatewayFixture gateway)
{
    private const string Chat = """{"model":"verge-demo","messages":[{"role":"user","content":"hi"}]}""";

    [Theory]
    [InlineData(null)]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer")]
    [InlineData("Bearer not-a-key")]
    [InlineData("Bearer vk_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task MissingMalformedOrUnknownKeyAnswersLoginRequired(string? authorization)
    {
        var client = gateway.Client(key: null);
        if (authorization is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        }

        await AssertLoginRequired(await client.PostAsync("/v1/chat/completions", Json(Chat)));
        await AssertLoginRequired(await client.GetAsync("/v1/models"));
        await AssertLoginRequired(await client.GetAsync("/api/v1/users"));
    }

    [Fact]
    public async Task OpenAiSdkRaisesItsErrorWithStatus401()
    {
        var error = await Assert.ThrowsAsync<ClientResultException>(() =>
            gateway.Chat(key: "vk_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(401, error.Status);
    }

    [Fact]
    public async Task RevokedKeyStopsWorkingWithinTwoSeconds()
    {
        var (user, key) = await CreateUserWithKeyAsync(new { name = "app" });
        Assert.Equal(HttpStatusCode.OK, (await gateway.Client(key.Token).GetAsync("/v1/models")).StatusCode);

        var revoke = await gateway.Client().DeleteAsync($"/api/v1/users/{user}/keys/{key.Id}");

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        await EventuallyAsync(async () => (await gateway.Client(key.Token).GetAsync("/v1/models")).StatusCode == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(2), "the revoked key still worked");
    }

    [Fact]
    public async Task DisabledUserIsRefusedWithinTwoSeconds()
    {
        var (user, key) = await CreateUserWithKeyAsync(new { name = "app" });
        Assert.Equal(HttpStatusCode.OK, (await gateway.Client(key.Token).GetAsync("/v1/models")).StatusCode);

        await gateway.Client().PutAsJsonAsync($"/api/v1/users/{user}", new { name = user, enabled = false });

        await EventuallyAsync(async () => (await gateway.Client(key.Token).GetAsync("/v1/models")).StatusCode == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(2), "the disabled user's key still worked");
    }

    [Theory]
    [InlineData(new[] { "10.0.0.0/8" }, new string[0], "10.1.2.3", HttpStatusCode.OK)]
    [InlineData(new[] { "10.0.0.0/8" }, new string[0], "192.168.1.1", HttpStatusCode.Forbidden)]
    [InlineData(new string[0], new[] { "192.168.0.0/16" }, "192.168.1.1", HttpStatusCode.Forbidden)]
    [InlineData(new string[0], new[] { "192.168.0.0/16" }, "10.1.2.3", HttpStatusCode.OK)]
    [InlineData(new[] { "192.168.1.7" }, new[] { "192.168.0.0/16" }, "192.168.1.7", HttpStatusCode.OK)]
    [InlineData(new[] { "192.168.1.7" }, new[] { "192.168.0.0/16" }, "192.168.1.8", HttpStatusCode.Forbidden)]
    public async Task IpListsDecideAndAllowWinsOverDeny(string[] allow, string[] deny, string from, HttpStatusCode expected)
    {
        var (_, key) = await CreateUserWithKeyAsync(new { name = "app", ipAllowList = allow, ipDenyList = deny });

        var response = await gateway.Client(key.Token, remoteIp: from).GetAsync("/v1/models");

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Forbidden)
        {
            var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
            Assert.Equal("permission_error", error.GetProperty("type").GetString());
            Assert.Equal("ip_not_allowed", error.GetProperty("code").GetString());
        }
    }

    [Fact]
    public async Task SameRangeInBothListsIsRejectedAtEditTime()
    {
        var user = await CreateUserAsync();

        var response = await gateway.Client().PostAsJsonAsync($"/api/v1/users/{user}/keys",
            new { name = "app", ipAllowList = new[] { "10.0.0.0/8" }, ipDenyList = new[] { "10.0.0.0/8" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(problem.GetProperty("errors").TryGetProperty("ipDenyList", out _));
    }

    [Fact]
    public async Task NormalUserGets403OnAdminEndpointsButManagesItsOwnKeys()
    {
        var (user, key) = await CreateUserWithKeyAsync(new { name = "own" });
        var client = gateway.Client(key.Token);

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/users")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/v1/users", new { name = "x" + Guid.NewGuid().ToString("N") })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/api/v1/users/{GatewayFixture.Solo}/keys")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync($"/api/v1/users/{user}/keys", new { name = "second" })).StatusCode);
        var keys = await client.GetFromJsonAsync<JsonElement>($"/api/v1/users/{user}/keys");
        Assert.Equal(["own", "second"], keys.EnumerateArray().Select(k => k.GetProperty("name").GetString()));
        Assert.All(keys.EnumerateArray(), k => Assert.False(k.TryGetProperty("key", out var secret) && secret.ValueKind == JsonValueKind.String));
    }

    [Fact]
    public async Task AdminApiAnswersConflictNotFoundAndFieldErrors()
    {
        var user = await CreateUserAsync();
        var admin = gateway.Client();

        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync("/api/v1/users", new { name = user })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/users/nobody-" + Guid.NewGuid().ToString("N"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/v1/users/{user}/keys/0123456789abcdef")).StatusCode);
        var missingName = await admin.PostAsJsonAsync($"/api/v1/users/{user}/keys", new { description = "no name" });
        Assert.Equal(HttpStatusCode.BadRequest, missingName.StatusCode);
        Assert.Equal("application/problem+json", missingName.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AssistantAllowListHidesOtherAssistantsAs404()
    {
        var (_, key) = await CreateUserWithKeyAsync(new { name = "app", allowedAssistants = new[] { GatewayFixture.Solo } });
        var client = gateway.Client(key.Token);

        var models = await client.GetFromJsonAsync<JsonElement>("/v1/models");
        var forbidden = await client.PostAsync("/v1/chat/completions", Json(Chat));

        Assert.Equal([GatewayFixture.Solo], models.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, forbidden.StatusCode);
        Assert.Contains("model_not_found", await forbidden.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AnEmptyBootstrapKeySettingGeneratesAKeyInsteadOfFailingTheStart()
    {
        await using var fresh = gateway.Isolated(builder =>
        {
            builder.UseSetting("Verge:BootstrapAdminKey", ""); // what docker compose passes for an unset variable
        });
        var client = fresh.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        client.DefaultRequestHeaders.Authorization = new("Bearer", GatewayFixture.AdminKey);
        await AssertLoginRequired(await client.GetAsync("/v1/models"));
    }

    [Fact]
    public async Task ExpiredKeyAnswersLoginRequired()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var expiring = gateway.Isolated(builder =>
        {
            builder.ConfigureTestServices(services => services.AddSingleton(sp => new ApiKeyAuthenticator(sp.GetRequiredService<IGrainFactory>(), time)));
        });
        var admin = expiring.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new("Bearer", GatewayFixture.AdminKey);
        await admin.PostAsJsonAsync("/api/v1/users", new { name = "temp" });
        var created = await admin.PostAsJsonAsync("/api/v1/users/temp/keys",
            new { name = "week", expirationType = "SetDate", expires = time.GetUtcNow().AddDays(7) });
        var token = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        var client = expiring.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/models")).StatusCode);

        time.Advance(TimeSpan.FromDays(7));

        await AssertLoginRequired(await client.GetAsync("/v1/models"));
    }

    private async Task<string> CreateUserAsync()
    {
        var name = "user-" + Guid.NewGuid().ToString("N")[..8];
        var response = await gateway.Client().PostAsJsonAsync("/api/v1/users", new { name, type = "Api" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return name;
    }

    private async Task<(string User, (string Id, string Token) Key)> CreateUserWithKeyAsync(object key)
    {
        var user = await CreateUserAsync();
        var response = await gateway.Client().PostAsJsonAsync($"/api/v1/users/{user}/keys", key);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (user, (body.GetProperty("id").GetString()!, body.GetProperty("key").GetString()!));
    }

    private static async Task AssertLoginRequired(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Login required", body.GetProperty("err").GetString());
        Assert.Equal("authentication_error", body.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("invalid_api_key", body.GetProperty("error").GetProperty("code").GetString());
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan limit, string failure)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > limit)
            {
                throw new Xunit.Sdk.XunitException($"{failure} after {limit.TotalSeconds} s");
            }

            await Task.Delay(50);
        }
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
