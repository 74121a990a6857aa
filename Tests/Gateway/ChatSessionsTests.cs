using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Verge.Orleans.Grains.ModelFiles;

namespace Verge.Orleans.Tests.Gateway;

/// <summary>Server-side chat history: sessions named by header or body, per user, per assistant mode.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ChatSessionsTests(GatewayFixture gateway)
{
    /// <summary>The demo model's first answer as the model sees it again (its reasoning kept).</summary>
    private static readonly string Replayed = $"<think>\n{ScriptedModel.Reasoning}\n</think>\n\n{ScriptedModel.Answer}";

    [Fact]
    public async Task SecondTurnSeesTheFirst()
    {
        var client = gateway.Client(await CreateUserKeyAsync());
        var id = NewSessionId();

        var first = await SessionChat.SendAsync(client, GatewayFixture.Demo, [("user", "Hi there")], header: id);
        var second = await SessionChat.SendAsync(client, GatewayFixture.Demo, [("user", "And again?")], header: id);
        var fresh = await SessionChat.SendAsync(client, GatewayFixture.Demo, [("user", "And again?")]);
        var spelledOut = await SessionChat.SendAsync(client, GatewayFixture.Demo, [("user", "Hi there"), ("assistant", Replayed), ("user", "And again?")]);

        Assert.Equal((ScriptedModel.Answer, ScriptedModel.Reasoning), (first.Content, first.Reasoning));
        Assert.Equal(spelledOut.PromptTokens, second.PromptTokens);
        Assert.True(second.PromptTokens > fresh.PromptTokens, $"turn 2 had {second.PromptTokens} prompt tokens, a fresh request {fresh.PromptTokens}");
        Assert.Equal(ScriptedModel.Answer, second.Content);
        var session = await client.GetFromJsonAsync<JsonElement>($"/api/v1/sessions/{id}");
        Assert.Equal(id, session.GetProperty("id").GetString());
        Assert.Equal("Hi there", session.GetProperty("title").GetString());
        Assert.Equal(GatewayFixture.Demo, session.GetProperty("assistant").GetString());
        Assert.Equal(
            [("Hi there", ScriptedModel.Answer, ScriptedModel.Reasoning), ("And again?", ScriptedModel.Answer, ScriptedModel.Reasoning)],
            Turns(session));
    }

    [Fact]
    public async Task SessionIdInTheBodyNamesTheSameSessionAsTheHeader()
    {
        var client = gateway.Client(await CreateUserKeyAsync());
        var id = NewSessionId();

        await SessionChat.SendAsync(client, GatewayFixture.Demo, [("user", "Hi there")], body: id);
        var second = await SessionChat.SendAsync(client, GatewayFixture.Demo, [("user", "More")], header: id);
        var spelledOut = await SessionChat.SendAsync(client, GatewayFixture.Demo, [("user", "Hi there"), ("assistant", Replayed), ("user", "More")]);

        Assert.Equal(spelledOut.PromptTokens, second.PromptTokens);
        Assert.Equal(2, Turns(await client.GetFromJsonAsync<JsonElement>($"/api/v1/sessions/{id}")).Count);
    }

    [Fact]
    public async Task StreamedAnswerIsStoredBeforeItsFinishChunk()
    {
        var client = gateway.Client(await CreateUserKeyAsync());
        var id = NewSessionId();

        var stored = await SessionChat.StreamUntilFinishAsync(client, GatewayFixture.Demo, "Stream it", id,
            async () => await client.GetFromJsonAsync<JsonElement>($"/api/v1/sessions/{id}"));

        Assert.Equal([("Stream it", ScriptedModel.Answer, ScriptedModel.Reasoning)], Turns(stored));
    }

    [Fact]
    public async Task AnotherUserNeitherReadsNorContinuesTheSession()
    {
        var (ownerUser, ownerKey) = await CreateUserAsync();
        var owner = gateway.Client(ownerKey);
        var (otherUser, otherKey) = await CreateUserAsync();
        var other = gateway.Client(otherKey);
        var id = NewSessionId();
        await SessionChat.SendAsync(owner, GatewayFixture.Demo, [("user", "The owner's secret")], header: id);

        var peek = await other.GetAsync($"/api/v1/sessions/{id}");
        var deleteAttempt = await other.DeleteAsync($"/api/v1/sessions/{id}");
        var listOwners = await other.GetAsync($"/api/v1/sessions?user={ownerUser}");
        var continued = await SessionChat.SendAsync(other, GatewayFixture.Demo, [("user", "Go on")], header: id);
        var fresh = await SessionChat.SendAsync(other, GatewayFixture.Demo, [("user", "Go on")]);

        Assert.Equal(HttpStatusCode.NotFound, peek.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, deleteAttempt.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, listOwners.StatusCode);
        Assert.Equal(fresh.PromptTokens, continued.PromptTokens);
        Assert.Equal([("The owner's secret", ScriptedModel.Answer, ScriptedModel.Reasoning)],
            Turns(await owner.GetFromJsonAsync<JsonElement>($"/api/v1/sessions/{id}")));
        Assert.Equal([("Go on", ScriptedModel.Answer, ScriptedModel.Reasoning)],
            Turns(await other.GetFromJsonAsync<JsonElement>($"/api/v1/sessions/{id}")));
        var adminView = await gateway.Client().GetFromJsonAsync<JsonElement>($"/api/v1/sessions?user={otherUser}");
        Assert.Equal([id], adminView.EnumerateArray().Select(s => s.GetProperty("id").GetString()));
    }

    [Theory]
    [InlineData("AlwaysOn", null, true)]
    [InlineData("AlwaysOn", false, true)]
    [InlineData("DefaultOn", null, true)]
    [InlineData("DefaultOn", false, false)]
    [InlineData("DefaultOff", null, false)]
    [InlineData("DefaultOff", true, true)]
    [InlineData("AlwaysOff", null, false)]
    [InlineData("AlwaysOff", true, false)]
    public async Task ChatHistoryModeAndRequestChoiceDecideWhetherTheSessionIsUsed(string mode, bool? chatHistory, bool used)
    {
        var assistant = await CreateAssistantAsync(new { chatHistory = mode });
        var client = gateway.Client(await CreateUserKeyAsync());
        var id = NewSessionId();

        await SessionChat.SendAsync(client, assistant, [("user", "First")], header: id, chatHistory: chatHistory);
        var second = await SessionChat.SendAsync(client, assistant, [("user", "Second")], header: id, chatHistory: chatHistory);
        var fresh = await SessionChat.SendAsync(client, assistant, [("user", "Second")]);
        var session = await client.GetAsync($"/api/v1/sessions/{id}");

        if (used)
        {
            Assert.True(second.PromptTokens > fresh.PromptTokens, "the first turn was not replayed");
            Assert.Equal(2, Turns(await session.Content.ReadFromJsonAsync<JsonElement>()).Count);
        }
        else
        {
            Assert.Equal(fresh.PromptTokens, second.PromptTokens);
            Assert.Equal(HttpStatusCode.NotFound, session.StatusCode);
        }
    }

    [Fact]
    public async Task DefaultOffStoresAndReplaysOnlyOptedInTurns()
    {
        var assistant = await CreateAssistantAsync(new { chatHistory = "DefaultOff" });
        var client = gateway.Client(await CreateUserKeyAsync());
        var id = NewSessionId();

        await SessionChat.SendAsync(client, assistant, [("user", "Kept")], header: id, chatHistory: true);
        var withoutOptIn = await SessionChat.SendAsync(client, assistant, [("user", "Not kept")], header: id);
        var withOptIn = await SessionChat.SendAsync(client, assistant, [("user", "Kept too")], header: id, chatHistory: true);
        var fresh = await SessionChat.SendAsync(client, assistant, [("user", "Not kept")]);
        var spelledOut = await SessionChat.SendAsync(client, assistant, [("user", "Kept"), ("assistant", Replayed), ("user", "Kept too")]);

        Assert.Equal(fresh.PromptTokens, withoutOptIn.PromptTokens);
        Assert.Equal(spelledOut.PromptTokens, withOptIn.PromptTokens);
        Assert.Equal(["Kept", "Kept too"], Turns(await client.GetFromJsonAsync<JsonElement>($"/api/v1/sessions/{id}")).Select(t => t.User));
    }

    [Fact]
    public async Task DeletedSessionIsGoneAndItsIdStartsAfresh()
    {
        var client = gateway.Client(await CreateUserKeyAsync());
        var id = NewSessionId();
        var kept = NewSessionId();
        await SessionChat.SendAsync(client, GatewayFixture.Demo, [("user", "Forget me")], header: id);
        await SessionChat.SendAsync(client, GatewayFixture.Demo, [("user", "Keep me")], header: kept);

        var deleted = await client.DeleteAsync($"/api/v1/sessions/{id}");
        var again = await client.DeleteAsync($"/api/v1/sessions/{id}");
        var read = await client.GetAsync($"/api/v1/sessions/{id}");
        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/sessions");
        var restarted = await SessionChat.SendAsync(client, GatewayFixture.Demo, [("user", "Hello")], header: id);
        var fresh = await SessionChat.SendAsync(client, GatewayFixture.Demo, [("user", "Hello")]);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal([(kept, "Keep me")], list.EnumerateArray().Select(s => (s.GetProperty("id").GetString(), s.GetProperty("title").GetString())));
        Assert.Equal(fresh.PromptTokens, restarted.PromptTokens);
    }

    [Fact]
    public async Task SessionsAreListedNewestFirstAndTitledByTheirFirstPrompt()
    {
        var client = gateway.Client(await CreateUserKeyAsync());
        var (older, newer) = (NewSessionId(), NewSessionId());
        var longPrompt = "Tell me\n about " + new string('x', 80);
        await SessionChat.SendAsync(client, GatewayFixture.Demo, [("user", "Short one")], header: older);
        await SessionChat.SendAsync(client, GatewayFixture.Demo, [("system", "Be kind."), ("user", longPrompt)], header: newer);
        await SessionChat.SendAsync(client, GatewayFixture.Demo, [("user", "Second prompt")], header: newer);

        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/sessions");

        var expectedTitle = ("Tell me about " + new string('x', 80))[..59] + "…";
        Assert.Equal([(newer, expectedTitle, 2), (older, "Short one", 1)],
            list.EnumerateArray().Select(s => (s.GetProperty("id").GetString(), s.GetProperty("title").GetString(), s.GetProperty("turns").GetInt32())));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("a/b")]
    [InlineData("semi;colon")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task BadSessionIdIsRefusedNamingSessionId(string id)
    {
        var client = gateway.Client(await CreateUserKeyAsync());

        var inHeader = await SessionChat.PostAsync(client, GatewayFixture.Demo, "hi", header: id);
        var inBody = await SessionChat.PostAsync(client, GatewayFixture.Demo, "hi", body: id);
        var admin = await client.GetAsync($"/api/v1/sessions/{Uri.EscapeDataString(id)}");

        await AssertRefusedAsync(inHeader);
        await AssertRefusedAsync(inBody);
        Assert.Equal(HttpStatusCode.BadRequest, admin.StatusCode);
        Assert.True((await admin.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("session_id", out _));
    }

    [Fact]
    public async Task EmptyNonStringOrConflictingSessionIdsAreRefused()
    {
        var client = gateway.Client(await CreateUserKeyAsync());

        await AssertRefusedAsync(await SessionChat.PostAsync(client, GatewayFixture.Demo, "hi", body: ""));
        await AssertRefusedAsync(await client.PostAsJsonAsync("/v1/chat/completions",
            new { model = GatewayFixture.Demo, messages = new[] { new { role = "user", content = "hi" } }, session_id = 42 }));
        await AssertRefusedAsync(await SessionChat.PostAsync(client, GatewayFixture.Demo, "hi", header: "one", body: "two"));
    }

    [Fact]
    public async Task DeletingAUserDeletesItsSessions()
    {
        var (user, key) = await CreateUserAsync();
        var id = NewSessionId();
        await SessionChat.SendAsync(gateway.Client(key), GatewayFixture.Demo, [("user", "Before")], header: id);

        Assert.Equal(HttpStatusCode.NoContent, (await gateway.Client().DeleteAsync($"/api/v1/users/{user}")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await gateway.Client().PostAsJsonAsync("/api/v1/users", new { name = user, type = "Api" })).StatusCode);
        var newKey = await CreateKeyAsync(user);

        Assert.Equal(HttpStatusCode.NotFound, (await gateway.Client(newKey).GetAsync($"/api/v1/sessions/{id}")).StatusCode);
        Assert.Empty((await gateway.Client(newKey).GetFromJsonAsync<JsonElement>("/api/v1/sessions")).EnumerateArray());
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("session_id", error.GetProperty("param").GetString());
    }

    internal static List<(string User, string Answer, string Reasoning)> Turns(JsonElement session) =>
        session.GetProperty("turns").EnumerateArray().Select(t => (
            string.Join("\n", t.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString())),
            t.GetProperty("answer").GetString()!,
            t.GetProperty("reasoning").GetString()!)).ToList();

    internal static string NewSessionId() => "s-" + Guid.NewGuid().ToString("N");

    private async Task<string> CreateAssistantAsync(object settings)
    {
        var name = "a-" + Guid.NewGuid().ToString("N")[..8];
        var body = JsonSerializer.SerializeToNode(settings)!.AsObject();
        body["name"] = name;
        body["model"] = GatewayFixture.Demo;
        Assert.Equal(HttpStatusCode.Created, (await gateway.Client().PostAsJsonAsync("/api/v1/assistants", body)).StatusCode);
        return name;
    }

    private async Task<string> CreateUserKeyAsync() => (await CreateUserAsync()).Key;

    private async Task<(string User, string Key)> CreateUserAsync()
    {
        var name = "user-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(HttpStatusCode.Created, (await gateway.Client().PostAsJsonAsync("/api/v1/users", new { name, type = "Api" })).StatusCode);
        return (name, await CreateKeyAsync(name));
    }

    private async Task<string> CreateKeyAsync(string user)
    {
        var response = await gateway.Client().PostAsJsonAsync($"/api/v1/users/{user}/keys", new { name = "sessions" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }
}
