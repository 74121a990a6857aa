using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Verge.Orleans.Grains.ModelFiles;
using Verge.Orleans.Tests.Gateway;
using static Microsoft.Playwright.Assertions;

namespace Verge.Orleans.Tests.Console;

/// <summary>The web console in headless Chromium: what an administrator and a normal user can do in it.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleTests(ConsoleFixture console)
{
    [Fact]
    public async Task AdminCreatesAnAssistantAndItsAnswerStreamsInWithTheReasoningFolded()
    {
        var name = "console-" + Guid.NewGuid().ToString("N")[..6];
        var page = await console.SignInAsync();

        await page.GotoAsync("/assistants");
        await page.ClickAsync("#new-assistant");
        await page.FillAsync("#assistant-name", name);
        await page.FillAsync("#assistant-temperature", "0");
        await page.FillAsync("#assistant-system-prompt", "You greet people.");
        await page.ClickAsync("#save-assistant");
        var row = page.Locator("#assistants tr", new() { HasText = name });
        await Expect(row).ToContainTextAsync("Online");
        await page.Locator(".mud-snackbar").GetByRole(AriaRole.Button).ClickAsync(); // the "Saved" notice would cover New assistant
        await Expect(page.Locator(".mud-snackbar")).ToHaveCountAsync(0);
        await ConsoleFixture.ScreenshotAsync(page, "assistants");

        await page.GetByLabel($"Chat with {name}").ClickAsync();
        await page.FillAsync("#prompt", "Hello!");
        await page.ClickAsync("#send");

        await Expect(page.Locator(".answer")).ToHaveTextAsync(ScriptedModel.Answer);
        await Expect(page.GetByText(ScriptedModel.Reasoning)).ToBeHiddenAsync();
        await Expect(page.Locator(".details")).ToContainTextAsync("completion");
        await Expect(page.Locator("#history")).ToContainTextAsync("Hello!");
        await ConsoleFixture.ScreenshotAsync(page, "chat");
        await page.GetByText("Reasoning", new() { Exact = true }).ClickAsync();
        await Expect(page.GetByText(ScriptedModel.Reasoning)).ToBeVisibleAsync();
    }

    [Fact]
    public async Task CreatedKeyIsShownOnceAndOnceRevokedTheApiRefusesIt()
    {
        var page = await console.SignInAsync();
        await page.GotoAsync("/keys");
        await page.FillAsync("#key-name", "browser-key");
        await page.ClickAsync("#create-key");
        var token = await page.Locator("#created-key-token").InnerTextAsync();
        Assert.StartsWith("vk_", token);
        Assert.Equal(HttpStatusCode.OK, (await console.Api(token).GetAsync("/v1/models")).StatusCode);
        await ConsoleFixture.ScreenshotAsync(page, "keys");

        await page.ReloadAsync();
        await Expect(page.Locator("#keys")).ToContainTextAsync("browser-key");
        await Expect(page.Locator("#created-key-token")).ToHaveCountAsync(0);
        await page.GetByLabel("Revoke browser-key").ClickAsync();
        await Expect(page.Locator("#keys")).Not.ToContainTextAsync("browser-key");

        await Eventually.HoldsAsync(async () => (await console.Api(token).GetAsync("/v1/models")).StatusCode == HttpStatusCode.Unauthorized,
            "the revoked key was still accepted");
    }

    [Fact]
    public async Task ViewWorkersShowsTheDemoWorkerAndThisGateway()
    {
        var page = await console.SignInAsync();

        await page.GotoAsync("/workers");

        await Expect(page.Locator("#workers")).ToContainTextAsync(GatewayFixture.Demo);
        await Expect(page.Locator("#gateways tbody tr")).Not.ToHaveCountAsync(0);
        await ConsoleFixture.ScreenshotAsync(page, "workers");
    }

    [Fact]
    public async Task NormalUserChatsAndManagesItsKeysButCannotOpenAnAdminPage()
    {
        var user = "user-" + Guid.NewGuid().ToString("N")[..8];
        var admin = console.Api();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/users", new { name = user })).StatusCode);
        var created = await admin.PostAsJsonAsync($"/api/v1/users/{user}/keys", new { name = "own" });
        var token = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        var page = await console.SignInAsync(token);

        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Assistants" })).ToHaveCountAsync(0);
        await page.GotoAsync("/keys");
        await Expect(page.Locator("#keys")).ToContainTextAsync("own");
        await page.GotoAsync("/assistants");

        await Expect(page.Locator("#denied")).ToHaveTextAsync("Only administrators may open this page.");
    }

    [Fact]
    public async Task RevokingTheKeyEndsAnOpenConsole()
    {
        var user = "user-" + Guid.NewGuid().ToString("N")[..8];
        var admin = console.Api();
        await admin.PostAsJsonAsync("/api/v1/users", new { name = user });
        var created = await (await admin.PostAsJsonAsync($"/api/v1/users/{user}/keys", new { name = "own" })).Content.ReadFromJsonAsync<JsonElement>();
        var page = await console.SignInAsync(created.GetProperty("key").GetString()!);
        await page.GotoAsync("/sessions");
        await Expect(page.Locator("#sessions")).ToBeVisibleAsync();

        await admin.DeleteAsync($"/api/v1/users/{user}/keys/{created.GetProperty("id").GetString()}");

        await page.WaitForURLAsync(url => url.Contains("/signin", StringComparison.Ordinal));
        await Expect(page.Locator("#key")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task AnUnknownKeyDoesNotSignIn()
    {
        var context = await console.Browser.NewContextAsync(new() { BaseURL = console.Address.ToString() });
        var page = await context.NewPageAsync();

        await page.GotoAsync("/");
        await page.FillAsync("#key", "vk_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        await page.ClickAsync("button[type=submit]");

        await Expect(page.Locator("#signin-error")).ToHaveTextAsync("That key is not valid (unknown, revoked or expired).");
    }
}
