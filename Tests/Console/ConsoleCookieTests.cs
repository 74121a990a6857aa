using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Verge.Orleans.Tests.Gateway;

namespace Verge.Orleans.Tests.Console;

/// <summary>The console's sign-in cookie is encrypted with the key ring kept in the cluster's storage, so a restarted gateway accepts it.</summary>
public sealed partial class ConsoleCookieTests
{
    [Fact]
    public async Task CookieIssuedBeforeARestartStillSignsIn()
    {
        var data = Path.Combine(Path.GetTempPath(), $"verge-cookie-{Guid.NewGuid():N}");
        string cookie;
        await using (var before = new GatewayFixture(data))
        {
            cookie = await SignInAsync(before.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        }

        await using var after = new GatewayFixture(data);
        var client = after.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var anonymous = await client.GetAsync("/sessions");
        var request = new HttpRequestMessage(HttpMethod.Get, "/sessions") { Headers = { { "Cookie", cookie } } };
        var signedIn = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Equal("/signin", anonymous.Headers.Location?.AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
    }

    /// <summary>Signs in through the form as a browser does; returns the console's cookie (<c>name=value</c>).</summary>
    private static async Task<string> SignInAsync(HttpClient client)
    {
        var form = await client.GetStringAsync("/signin");
        var token = AntiforgeryToken().Match(form).Groups[1].Value;
        var response = await client.PostAsync("/console/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["key"] = GatewayFixture.AdminKey,
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
        }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        return response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("verge_console=", StringComparison.Ordinal)).Split(';')[0];
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
