using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenAI.Chat;
using Verge.Orleans.Grains.ModelFiles;

namespace Verge.Orleans.Tests.Gateway;

[Collection(GatewayCollection.Name)]
public sealed class CatalogAdminTests(GatewayFixture gateway)
{
    [Fact]
    public async Task ModelAndAssistantCreatedThroughTheAdminApiServeThroughV1()
    {
        var admin = gateway.Client();
        var model = "m-" + Guid.NewGuid().ToString("N")[..8];
        var assistant = "a-" + Guid.NewGuid().ToString("N")[..8];

        var createdModel = await admin.PostAsJsonAsync("/api/v1/models",
            new { name = model, path = TestModels.ScriptedPath, parallel = 2, contextSize = 512, cores = 1 });
        var createdAssistant = await admin.PostAsJsonAsync("/api/v1/assistants",
            new { name = assistant, model, systemPrompt = "Be brief.", maxTokens = 12 });

        Assert.Equal(HttpStatusCode.Created, createdModel.StatusCode);
        Assert.Equal(HttpStatusCode.Created, createdAssistant.StatusCode);
        var models = await gateway.OpenAi().GetOpenAIModelClient().GetModelsAsync();
        Assert.Contains(assistant, models.Value.Select(m => m.Id));
        Assert.Contains(model, models.Value.Select(m => m.Id));
        var answer = await gateway.Chat(model).CompleteChatAsync([new UserChatMessage("hi")], new ChatCompletionOptions { Temperature = 0 });
        Assert.Equal(ScriptedModel.Answer, answer.Value.Content.Single().Text);
        var limited = await gateway.Chat(assistant).CompleteChatAsync([new UserChatMessage("hi")], new ChatCompletionOptions { Temperature = 0 });
        Assert.Equal(ChatFinishReason.Length, limited.Value.FinishReason);
        Assert.Equal(12, limited.Value.Usage.OutputTokenCount);
        Assert.True(limited.Value.Usage.InputTokenCount > answer.Value.Usage.InputTokenCount, "the system prompt was not applied");
    }

    [Fact]
    public async Task StoppedModelAnswers503UntilStartedAgain()
    {
        var admin = gateway.Client();
        var model = "m-" + Guid.NewGuid().ToString("N")[..8];
        await admin.PostAsJsonAsync("/api/v1/models", new { name = model, path = TestModels.ScriptedPath, parallel = 1, contextSize = 512, cores = 1 });
        var chat = new { model, messages = new[] { new { role = "user", content = "hi" } } };

        var stopped = await (await admin.PostAsync($"/api/v1/models/{model}/stop", null)).Content.ReadFromJsonAsync<JsonElement>();
        var refused = await admin.PostAsJsonAsync("/v1/chat/completions", chat);

        Assert.Equal("Offline", stopped.GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("model_not_ready", await refused.Content.ReadAsStringAsync());
        Assert.Equal("Offline", (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/models/{model}/status")).GetProperty("state").GetString());

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/models/{model}/start", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync("/v1/chat/completions", chat)).StatusCode);
        var status = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/models/{model}/status");
        Assert.Equal(("Online", 1), (status.GetProperty("state").GetString(), status.GetProperty("workers").GetInt32()));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/api/v1/models/no-such-model/start", null)).StatusCode);
    }

    [Fact]
    public async Task ViewWorkersListsModelWorkersWithThroughputAndTheGateway()
    {
        var admin = gateway.Client();
        await gateway.Chat().CompleteChatAsync([new UserChatMessage("hi")]);

        var workers = await admin.GetFromJsonAsync<JsonElement>("/api/v1/workers");
        var demo = workers.EnumerateArray().Single(w => w.GetProperty("model").GetString() == GatewayFixture.Demo);
        JsonElement gateways = default;
        await Eventually.HoldsAsync(async () =>
            (gateways = await admin.GetFromJsonAsync<JsonElement>("/api/v1/gateways")).GetArrayLength() == 1);

        Assert.Equal("Online", demo.GetProperty("state").GetString());
        Assert.Equal(8, demo.GetProperty("slotsTotal").GetInt32());
        Assert.True(demo.GetProperty("siloResidentBytes").GetInt64() > 0);
        Assert.True(demo.GetProperty("tokensPerSecond").GetDouble() >= 0);
        Assert.Equal("single-process", gateways[0].GetProperty("mode").GetString());
    }

    [Fact]
    public async Task DeletedAssistantAnswers404AndDuplicatesConflict()
    {
        var admin = gateway.Client();
        var assistant = "a-" + Guid.NewGuid().ToString("N")[..8];
        await admin.PostAsJsonAsync("/api/v1/assistants", new { name = assistant, model = GatewayFixture.Demo });

        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync("/api/v1/assistants", new { name = assistant, model = GatewayFixture.Demo })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/assistants/{assistant}")).StatusCode);
        var gone = await admin.PostAsJsonAsync("/v1/chat/completions", new { model = assistant, messages = new[] { new { role = "user", content = "hi" } } });
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/v1/assistants/{assistant}")).StatusCode);
    }

    [Fact]
    public async Task InvalidModelAnswersFieldErrors()
    {
        var response = await gateway.Client().PostAsJsonAsync("/api/v1/models", new { name = "bad", path = "/x.gguf", parallel = 0, contextSize = 4 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("parallel", out _));
        Assert.True(errors.TryGetProperty("contextSize", out _));
    }

    [Fact]
    public async Task WorkersListShowsTheModelWorkersWithTheirSlots()
    {
        await gateway.Chat().CompleteChatAsync([new UserChatMessage("hi")]);

        var workers = await gateway.Client().GetFromJsonAsync<JsonElement>("/api/v1/workers");

        var demo = workers.EnumerateArray().Single(w => w.GetProperty("model").GetString() == GatewayFixture.Demo);
        Assert.Equal(8, demo.GetProperty("slotsTotal").GetInt32());
        Assert.False(string.IsNullOrEmpty(demo.GetProperty("silo").GetString()));
    }
}
