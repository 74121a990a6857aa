using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Verge.Orleans.Gateway.Identity;
using Verge.Orleans.Gateway.Upstreams;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Tests.Gateway;
using static Microsoft.Playwright.Assertions;

namespace Verge.Orleans.Tests.Console;

/// <summary>The administrator's pages in headless Chromium: editing and deleting users, models and assistants.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleAdminTests(ConsoleFixture console)
{
    [Fact]
    public async Task AdminEditsEveryFieldOfAUserAndTheListAndTheApiShowIt()
    {
        var user = await CreateUserAsync();
        var page = await console.SignInAsync();
        await page.GotoAsync("/users");

        await page.GetByLabel($"Edit {user}").ClickAsync();
        var form = page.Locator("#user-form");
        await Expect(page.Locator("#user-name")).ToHaveValueAsync(user);
        await Expect(page.Locator("#user-name")).ToBeDisabledAsync();
        await PickAsync(page, "#user-type", "Normal");
        await page.FillAsync("#user-weight", "2.5");
        await form.GetByText("Administrator", new() { Exact = true }).ClickAsync();
        await form.GetByText("Enabled", new() { Exact = true }).ClickAsync();
        await form.GetByText("May use every assistant", new() { Exact = true }).ClickAsync();
        await PickAsync(page, "#user-assistants", GatewayFixture.Demo, multiple: true);
        await page.FillAsync("#user-rpm", "30");
        await page.FillAsync("#user-tpm", "9000");
        await page.FillAsync("#user-concurrent", "2");
        await page.FillAsync("#user-daily-budget", "100000");
        await page.FillAsync("#user-monthly-budget", "2000000");
        await ConsoleFixture.ScreenshotAsync(page, "users");
        await page.ClickAsync("#save-user");

        var row = page.Locator("#users tr", new() { HasText = user });
        await Expect(page.Locator("#user-form")).ToHaveCountAsync(0);
        await Expect(row.Locator("td")).ToHaveTextAsync(Cells(
            user, "Normal", "yes", "no", "2.5", GatewayFixture.Demo, "30 requests/min, 9000 tokens/min, 2 concurrent, 100000 tokens/day, 2000000 tokens/month (hard)", null, "API keys"));
        var saved = await console.Api().GetFromJsonAsync<JsonElement>($"/api/v1/users/{user}");
        Assert.Equal("Normal", saved.GetProperty("type").GetString());
        Assert.True(saved.GetProperty("admin").GetBoolean());
        Assert.False(saved.GetProperty("enabled").GetBoolean());
        Assert.Equal(2.5, saved.GetProperty("weight").GetDouble());
        Assert.Equal([GatewayFixture.Demo], saved.GetProperty("allowedAssistants").EnumerateArray().Select(a => a.GetString()));
        var limits = saved.GetProperty("limits");
        Assert.Equal(30, limits.GetProperty("requestsPerMinute").GetInt32());
        Assert.Equal(9000, limits.GetProperty("tokensPerMinute").GetInt64());
        Assert.Equal(2, limits.GetProperty("concurrentRequests").GetInt32());
        Assert.Equal(100000, limits.GetProperty("dailyTokenBudget").GetInt64());
        Assert.Equal(2000000, limits.GetProperty("monthlyTokenBudget").GetInt64());
        Assert.Equal("Hard", limits.GetProperty("budgetMode").GetString());
    }

    [Fact]
    public async Task AdminCreatesAUserWithTheSameForm()
    {
        var user = "user-" + Guid.NewGuid().ToString("N")[..8];
        var page = await console.SignInAsync();
        await page.GotoAsync("/users");

        await page.ClickAsync("#new-user");
        await page.FillAsync("#user-name", user);
        await PickAsync(page, "#user-type", "Api");
        await page.ClickAsync("#save-user");

        await Expect(page.Locator("#users tr", new() { HasText = user }).Locator("td"))
            .ToHaveTextAsync(Cells(user, "Api", "", "yes", "1", "all", "", null, "API keys"));
        var saved = await console.Api().GetFromJsonAsync<JsonElement>($"/api/v1/users/{user}");
        Assert.Equal(("Api", false, true), (saved.GetProperty("type").GetString(), saved.GetProperty("admin").GetBoolean(), saved.GetProperty("enabled").GetBoolean()));
    }

    [Fact]
    public async Task AdminDeletesAUserOnlyOnceConfirmedAndItsKeyIsRefused()
    {
        var user = await CreateUserAsync();
        var created = await console.Api().PostAsJsonAsync($"/api/v1/users/{user}/keys", new { name = "doomed" });
        var token = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        var page = await console.SignInAsync();
        await page.GotoAsync("/users");
        var row = page.Locator("#users tr", new() { HasText = user });

        await page.GetByLabel($"Delete {user}").ClickAsync();
        await Expect(page.Locator(".mud-dialog")).ToContainTextAsync($"Delete {user}?");
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(page.Locator(".mud-dialog")).ToHaveCountAsync(0);
        await Expect(row).ToHaveCountAsync(1);
        Assert.Equal(HttpStatusCode.OK, (await console.Api().GetAsync($"/api/v1/users/{user}")).StatusCode);

        await page.GetByLabel($"Delete {user}").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();

        await Expect(row).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.NotFound, (await console.Api().GetAsync($"/api/v1/users/{user}")).StatusCode);
        await Eventually.HoldsAsync(async () => (await console.Api(token).GetAsync("/v1/models")).StatusCode == HttpStatusCode.Unauthorized,
            "the deleted user's key was still accepted");
        await Expect(page.GetByLabel($"Delete {AdminBootstrapper.AdminUser}")).ToBeDisabledAsync();
    }

    [Fact]
    public async Task AdminEditsAModelInTheCreateFormPrefilledAndDeletesItOnceConfirmed()
    {
        var model = "model-" + Guid.NewGuid().ToString("N")[..6];
        var created = await console.Api().PostAsJsonAsync("/api/v1/models",
            new { name = model, path = TestModels.ScriptedPath, minWorkers = 0, contextSize = 256, parallel = 1, cores = 1, maxQueue = 5 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var page = await console.SignInAsync();
        await page.GotoAsync("/models");

        await page.GetByLabel($"Edit {model}").ClickAsync();
        await Expect(page.Locator("#model-name")).ToHaveValueAsync(model);
        await Expect(page.Locator("#model-path")).ToHaveValueAsync(TestModels.ScriptedPath);
        await Expect(page.Locator("#model-context-size")).ToHaveValueAsync("256");
        await Expect(page.Locator("#model-max-queue")).ToHaveValueAsync("5");
        await page.FillAsync("#model-description", "edited in the console");
        await page.FillAsync("#model-context-size", "512");
        await page.FillAsync("#model-max-queue", "3");
        await page.FillAsync("#model-max-queue-seconds", "12");
        await ConsoleFixture.ScreenshotAsync(page, "models");
        await page.ClickAsync("#save-model");

        var row = page.Locator("#models tr", new() { HasText = model });
        await Expect(page.Locator("#model-form")).ToHaveCountAsync(0);
        await Expect(row).ToContainTextAsync("edited in the console");
        await Expect(row.Locator("td").Nth(6)).ToHaveTextAsync("512");
        var saved = await console.Api().GetFromJsonAsync<JsonElement>($"/api/v1/models/{model}");
        Assert.Equal("edited in the console", saved.GetProperty("description").GetString());
        Assert.Equal(512, saved.GetProperty("contextSize").GetInt32());
        Assert.Equal(3, saved.GetProperty("maxQueue").GetInt32());
        Assert.Equal(12, saved.GetProperty("maxQueueSeconds").GetInt32());
        Assert.Equal(TestModels.ScriptedPath, saved.GetProperty("path").GetString());
        Assert.Equal(0, saved.GetProperty("minWorkers").GetInt32());

        await page.GetByLabel($"Delete {model}").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();

        await Expect(row).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.NotFound, (await console.Api().GetAsync($"/api/v1/models/{model}")).StatusCode);
    }

    [Fact]
    public async Task AdminCreatesAModelFromAPathWithTheSameForm()
    {
        var model = "model-" + Guid.NewGuid().ToString("N")[..6];
        var page = await console.SignInAsync();
        await page.GotoAsync("/models");

        await page.ClickAsync("#new-model");
        await Expect(page.Locator("#model-context-size")).ToHaveValueAsync("8192");
        await page.FillAsync("#model-name", model);
        await page.FillAsync("#model-path", TestModels.ScriptedPath);
        await page.FillAsync("#model-min-workers", "0");
        await page.FillAsync("#model-context-size", "256");
        await page.FillAsync("#model-cores", "1");
        await page.ClickAsync("#save-model");

        await Expect(page.Locator("#models tr", new() { HasText = model })).ToContainTextAsync(TestModels.ScriptedPath);
        var saved = await console.Api().GetFromJsonAsync<JsonElement>($"/api/v1/models/{model}");
        Assert.Equal((TestModels.ScriptedPath, 256, 1, 0), (saved.GetProperty("path").GetString(), saved.GetProperty("contextSize").GetInt32(),
            saved.GetProperty("cores").GetInt32(), saved.GetProperty("minWorkers").GetInt32()));
        Assert.Equal(JsonValueKind.Null, saved.GetProperty("url").ValueKind);
        Assert.Equal(HttpStatusCode.NoContent, (await console.Api().DeleteAsync($"/api/v1/models/{model}")).StatusCode);
    }

    [Fact]
    public async Task AdminEditsAnUpstreamAssistantAndItsKeyNeverReachesThePage()
    {
        var name = "upstream-" + Guid.NewGuid().ToString("N")[..6];
        var secret = "sk-console-" + Guid.NewGuid().ToString("N");
        var created = await console.Api().PostAsJsonAsync("/api/v1/assistants", new
        {
            name, description = "far away", upstream = new { baseUrl = "http://127.0.0.1:9/v1", model = "far-model", apiKey = secret, timeoutSeconds = 30 },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var page = await console.SignInAsync();
        await page.GotoAsync("/assistants");
        var row = page.Locator("#assistants tr", new() { HasText = name });
        await Expect(row).ToContainTextAsync("far-model at http://127.0.0.1:9/v1");
        await Expect(page.GetByLabel($"Chat with {name}")).ToHaveCountAsync(0); // the console's chat runs on local models only

        await page.GetByLabel($"Edit {name}").ClickAsync();
        await Expect(page.Locator("#upstream-base-url")).ToHaveValueAsync("http://127.0.0.1:9/v1");
        await Expect(page.Locator("#upstream-model")).ToHaveValueAsync("far-model");
        await Expect(page.Locator("#upstream-timeout")).ToHaveValueAsync("30");
        await Expect(page.Locator("#upstream-api-key")).ToHaveValueAsync("");
        await Expect(page.Locator("#assistant-form")).ToContainTextAsync($"A key is stored ({UpstreamKeyProtector.Hint(secret)}): leave this empty to keep it.");
        Assert.DoesNotContain(secret, await page.ContentAsync(), StringComparison.Ordinal);
        await page.FillAsync("#upstream-model", "far-model-2");
        await page.FillAsync("#upstream-timeout", "45");
        await page.FillAsync("#assistant-description", "still far away");
        await ConsoleFixture.ScreenshotAsync(page, "assistant-upstream");
        await page.FillAsync("#assistant-max-tokens", "77");
        await page.FillAsync("#assistant-context-score", "40");
        await page.ClickAsync("#save-assistant");

        await Expect(page.Locator("#assistant-form")).ToHaveCountAsync(0);
        await Expect(row).ToContainTextAsync("far-model-2 at http://127.0.0.1:9/v1");
        var kept = await AssistantAsync(name);
        Assert.Equal(("far-model-2", 45, "still far away", 77, 40), (kept.Upstream!.Model, kept.Upstream.TimeoutSeconds, kept.Description, kept.MaxTokens, kept.ContextScore));
        Assert.Equal(secret, Keys.Unprotect(name, kept.Upstream.EncryptedApiKey!));

        var replacement = "sk-replaced-" + Guid.NewGuid().ToString("N");
        await page.GetByLabel($"Edit {name}").ClickAsync();
        await page.FillAsync("#upstream-api-key", replacement);
        await page.ClickAsync("#save-assistant");

        await Expect(page.Locator("#assistant-form")).ToHaveCountAsync(0);
        var replaced = await AssistantAsync(name);
        Assert.Equal(replacement, Keys.Unprotect(name, replaced.Upstream!.EncryptedApiKey!));
        Assert.Equal(UpstreamKeyProtector.Hint(replacement), replaced.Upstream.ApiKeyHint);
        await page.GetByLabel($"Edit {name}").ClickAsync();
        await Expect(page.Locator("#upstream-api-key")).ToHaveValueAsync("");
        var html = await page.ContentAsync();
        Assert.DoesNotContain(secret, html, StringComparison.Ordinal);
        Assert.DoesNotContain(replacement, html, StringComparison.Ordinal);

        await page.Locator("#assistant-form").GetByText("Remove the stored key", new() { Exact = true }).ClickAsync();
        await page.ClickAsync("#save-assistant");

        await Expect(page.Locator("#assistant-form")).ToHaveCountAsync(0);
        var removed = await AssistantAsync(name);
        Assert.Equal((null, null, "far-model-2"), (removed.Upstream!.EncryptedApiKey, removed.Upstream.ApiKeyHint, removed.Upstream.Model));
    }

    [Fact]
    public async Task AdminCreatesAnUpstreamAssistantAndItsKeyIsStoredSealed()
    {
        var name = "upstream-" + Guid.NewGuid().ToString("N")[..6];
        var secret = "sk-created-" + Guid.NewGuid().ToString("N");
        var page = await console.SignInAsync();
        await page.GotoAsync("/assistants");

        await page.ClickAsync("#new-assistant");
        await page.FillAsync("#assistant-name", name);
        await page.Locator("#assistant-form").GetByText("Served by an external OpenAI-compatible server", new() { Exact = true }).ClickAsync();
        await page.FillAsync("#upstream-base-url", "http://127.0.0.1:9/v1");
        await page.FillAsync("#upstream-model", "far-model");
        await page.FillAsync("#upstream-api-key", secret);
        await page.ClickAsync("#save-assistant");

        await Expect(page.Locator("#assistants tr", new() { HasText = name })).ToContainTextAsync("Upstream");
        var saved = await AssistantAsync(name);
        Assert.Equal(("", "http://127.0.0.1:9/v1", "far-model", 60), (saved.Model, saved.Upstream!.BaseUrl, saved.Upstream.Model, saved.Upstream.TimeoutSeconds));
        Assert.Equal(secret, Keys.Unprotect(name, saved.Upstream.EncryptedApiKey!));
        Assert.DoesNotContain(secret, await page.ContentAsync(), StringComparison.Ordinal);
    }

    private UpstreamKeyProtector Keys => console.Gateway.Services.GetRequiredService<UpstreamKeyProtector>();

    private async Task<Verge.Orleans.Grains.Abstractions.Catalog.AssistantSpec> AssistantAsync(string name) =>
        await console.Gateway.Grains.GetGrain<ICatalogGrain>(0).GetAssistantAsync(name) ?? throw new Xunit.Sdk.XunitException($"{name} is gone");

    private async Task<string> CreateUserAsync()
    {
        var user = "user-" + Guid.NewGuid().ToString("N")[..8];
        var created = await console.Api().PostAsJsonAsync("/api/v1/users", new { name = user, type = "Api" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return user;
    }

    /// <summary>A row's cells exactly; null: any text (a time).</summary>
    private static Regex[] Cells(params string?[] cells) =>
        [.. cells.Select(c => new Regex(c is null ? @"^\s*\S.*$" : $@"^\s*{Regex.Escape(c)}\s*$"))];

    /// <summary>Opens a MudSelect by its input and picks <paramref name="item"/> (a multi-select stays open: Escape closes it).</summary>
    private static async Task PickAsync(IPage page, string input, string item, bool multiple = false)
    {
        await page.Locator(input).Locator("xpath=ancestor::div[contains(@class,'mud-select')][1]").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = item }).First.ClickAsync();
        if (multiple)
        {
            await page.Locator(input).PressAsync("Escape"); // the select's own input: the clicked item may hold the focus
        }

        await Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
    }
}
