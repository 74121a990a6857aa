using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Verge.Orleans.Tests.Gateway;

/// <summary><c>PUT</c> and <c>DELETE /api/v1/users/{user}</c>: what the console's Users page does, over HTTP.</summary>
[Collection(GatewayCollection.Name)]
public sealed class UserAdminTests(GatewayFixture gateway)
{
    [Fact]
    public async Task PutReplacesEveryFieldOfAUserButItsNameAndCreation()
    {
        var user = await CreateUserAsync();
        var admin = gateway.Client();
        var before = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{user}");

        var put = await admin.PutAsJsonAsync($"/api/v1/users/{user}", new
        {
            name = "ignored-" + user, type = "Normal", admin = true, enabled = false, allowedAssistants = new[] { GatewayFixture.Solo }, weight = 4.5,
            limits = new { requestsPerMinute = 10, tokensPerMinute = 500, concurrentRequests = 1, dailyTokenBudget = 1000, monthlyTokenBudget = 9000, budgetMode = "soft" },
        });

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var after = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{user}");
        Assert.Equal(user, after.GetProperty("name").GetString());
        Assert.Equal(before.GetProperty("created").GetString(), after.GetProperty("created").GetString());
        Assert.Equal(("Normal", true, false, 4.5), (after.GetProperty("type").GetString(), after.GetProperty("admin").GetBoolean(), after.GetProperty("enabled").GetBoolean(), after.GetProperty("weight").GetDouble()));
        Assert.Equal([GatewayFixture.Solo], after.GetProperty("allowedAssistants").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("""{"requestsPerMinute":10,"tokensPerMinute":500,"concurrentRequests":1,"dailyTokenBudget":1000,"monthlyTokenBudget":9000,"budgetMode":"Soft"}""",
            after.GetProperty("limits").GetRawText());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/users/ignored-{user}")).StatusCode);
    }

    [Fact]
    public async Task PutRefusesBadFieldsAndUnknownUsers()
    {
        var user = await CreateUserAsync();
        var admin = gateway.Client();

        var bad = await admin.PutAsJsonAsync($"/api/v1/users/{user}", new { weight = 0, limits = new { requestsPerMinute = 0 } });
        var missing = await admin.PutAsJsonAsync($"/api/v1/users/nobody-{Guid.NewGuid():N}", new { });

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["limits.requestsPerMinute", "weight"], errors.EnumerateObject().Select(e => e.Name).Order());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task DeleteRemovesTheUserAndRevokesItsKeys()
    {
        var user = await CreateUserAsync();
        var admin = gateway.Client();
        var created = await admin.PostAsJsonAsync($"/api/v1/users/{user}/keys", new { name = "doomed" });
        var token = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await gateway.Client(token).GetAsync("/v1/models")).StatusCode);

        var deleted = await admin.DeleteAsync($"/api/v1/users/{user}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/users/{user}")).StatusCode);
        Assert.DoesNotContain(user, await admin.GetStringAsync("/api/v1/users"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/v1/users/{user}")).StatusCode);
        await Eventually.HoldsAsync(async () => (await gateway.Client(token).GetAsync("/v1/models")).StatusCode == HttpStatusCode.Unauthorized,
            "the deleted user's key was still accepted");
    }

    [Fact]
    public async Task OnlyAnAdministratorEditsOrDeletesUsersEvenItself()
    {
        var user = await CreateUserAsync();
        var created = await gateway.Client().PostAsJsonAsync($"/api/v1/users/{user}/keys", new { name = "own" });
        using var own = gateway.Client((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!);

        Assert.Equal(HttpStatusCode.Forbidden, (await own.PutAsJsonAsync($"/api/v1/users/{user}", new { admin = true })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await own.DeleteAsync($"/api/v1/users/{user}")).StatusCode);
        Assert.False((await gateway.Client().GetFromJsonAsync<JsonElement>($"/api/v1/users/{user}")).GetProperty("admin").GetBoolean());
    }

    private async Task<string> CreateUserAsync()
    {
        var name = "user-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(HttpStatusCode.Created, (await gateway.Client().PostAsJsonAsync("/api/v1/users", new { name, type = "Api" })).StatusCode);
        return name;
    }
}
