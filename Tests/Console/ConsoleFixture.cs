using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Verge.Orleans.Tests.Gateway;

namespace Verge.Orleans.Tests.Console;

/// <summary>
/// The single-process product of <see cref="GatewayFixture"/>, served by Kestrel on 127.0.0.1 (a browser
/// needs a real socket), and one headless Chromium (Debian's, driven by Playwright) for the whole collection.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public GatewayFixture Gateway { get; } = new();

    public IBrowser Browser { get; private set; } = null!;

    public Uri Address { get; private set; } = null!;

    /// <summary>Where the tests save their screenshots (under the test output).</summary>
    public static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "console-screenshots");

    public async Task InitializeAsync()
    {
        Gateway.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        Gateway.StartServer();
        var addresses = Gateway.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        Address = new Uri(addresses.Addresses.Single());
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Args = ["--no-sandbox"] });
        Directory.CreateDirectory(Screenshots);
    }

    /// <summary>A fresh browser context (no cookie) signed in to the console with <paramref name="key"/>.</summary>
    public async Task<IPage> SignInAsync(string key = GatewayFixture.AdminKey)
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = Address.ToString(), ViewportSize = new() { Width = 1200, Height = 760 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signin");
        await page.FillAsync("#key", key);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(url => !url.Contains("/signin", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("#signed-in-user")).ToBeVisibleAsync();
        return page;
    }

    /// <summary>An API client on the same server, sending <paramref name="key"/> as a bearer key.</summary>
    public HttpClient Api(string key = GatewayFixture.AdminKey) => new()
    {
        BaseAddress = Address,
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", key) },
    };

    /// <summary>Saves what the page shows, its transitions finished (a label still moving would blur into its value).</summary>
    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, name + ".png"), Animations = ScreenshotAnimations.Disabled });

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await Gateway.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console";
}
