using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Verge.Orleans.Tests.Gateway;

/// <summary>Authentication and authorization run before an endpoint reads or validates its body.</summary>
[Collection(GatewayCollection.Name)]
public sealed class AuthenticationOrderTests(GatewayFixture gateway)
{
    [Fact]
    public async Task MalformedBodyWithoutKeyAnswers401NotBadRequest()
    {
        var response = await gateway.Client(key: null).PutAsync("/api/v1/assistants/x", new StringContent("{not json", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Login required", body.GetProperty("err").GetString());
        Assert.Equal("invalid_api_key", body.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task NormalUsersKeyOnAnAdminRouteAnswers403ProblemBeforeTheBodyIsRead()
    {
        var user = "user-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(HttpStatusCode.Created, (await gateway.Client().PostAsJsonAsync("/api/v1/users", new { name = user })).StatusCode);
        var created = await gateway.Client().PostAsJsonAsync($"/api/v1/users/{user}/keys", new { name = "k" });
        var token = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString();

        var response = await gateway.Client(token).PutAsync("/api/v1/assistants/x", new StringContent("{not json", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(403, problem.GetProperty("status").GetInt32());
        Assert.Equal("Forbidden", problem.GetProperty("title").GetString());
        Assert.Equal("Only administrators may do this.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AnotherUsersKeysAnswer403WithTheOwnKeysRule()
    {
        var user = "user-" + Guid.NewGuid().ToString("N")[..8];
        await gateway.Client().PostAsJsonAsync("/api/v1/users", new { name = user });
        var created = await gateway.Client().PostAsJsonAsync($"/api/v1/users/{user}/keys", new { name = "k" });
        var token = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString();

        var response = await gateway.Client(token).PostAsync("/api/v1/users/admin/keys", new StringContent("{not json", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("You may manage only your own user and keys.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AnthropicRouteWithoutKeyAnswersAnthropicsShapeBeforeTheBody()
    {
        var response = await gateway.Client(key: null).PostAsync("/v1/messages", new StringContent("{not json", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("error", body.GetProperty("type").GetString());
        Assert.Equal("authentication_error", body.GetProperty("error").GetProperty("type").GetString());
    }
}
