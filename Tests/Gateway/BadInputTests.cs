using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Verge.Orleans.Tests.Gateway;

/// <summary>
/// Families of bad input on a real Kestrel socket (framing the test server would never see): each is a
/// 4xx in the API's own error shape, never a 5xx or a wait.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class BadInputTests(GatewayFixture gateway) : IAsyncLifetime
{
    private const int MaxBody = 64 * 1024;
    private readonly int _port = GatewayFixture.FreePort();
    private WebApplicationFactory<Verge.Orleans.Standalone.Program> _server = null!;

    public Task InitializeAsync()
    {
        _server = gateway.Isolated(builder => builder
            .UseSetting("Verge:Gateway:MaxRequestBodyBytes", MaxBody.ToString())
            .UseSetting("Urls", $"http://127.0.0.1:{_port}"));
        _server.UseKestrel();
        _server.StartServer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("POST", "/v1/nothing/here", 404, null)]
    [InlineData("GET", "/v1", 404, null)]
    [InlineData("GET", "/v1/chat/completions", 405, "POST")]
    [InlineData("DELETE", "/v1/models", 405, "GET")]
    [InlineData("PUT", "/v1/embeddings", 405, "POST")]
    [InlineData("POST", "/v1/models/verge-demo", 405, "GET")]
    public async Task UnknownRoutesAndMethodsUnderV1AreOpenAiErrors(string method, string path, int status, string? allow)
    {
        using var response = await Client().SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        await AssertOpenAiErrorAsync(response, status, path);
        Assert.Equal(allow, response.Content.Headers.Allow.Count == 0 ? null : string.Join(", ", response.Content.Headers.Allow));
    }

    [Fact]
    public async Task ABodyDeclaredOverTheLimitIsA413BeforeItIsSent()
    {
        var head = "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + GatewayFixture.AdminKey +
            $"\r\nContent-Type: application/json\r\nContent-Length: {MaxBody + 1}\r\n\r\n";

        var answer = await RawAsync(head);

        Assert.StartsWith("HTTP/1.1 413 ", answer, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"invalid_request_error\"", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChunkedBodyOverTheLimitIsA413()
    {
        var body = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"model\":\"verge-demo\",\"messages\":[],\"x\":\"" + new string('a', MaxBody) + "\"}")));
        body.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = body };
        request.Headers.TransferEncodingChunked = true;

        using var response = await Client().SendAsync(request);

        await AssertOpenAiErrorAsync(response, 413, "too large");
    }

    [Theory]
    [InlineData("Content-Length: +12\r\n\r\n{\"model\":\"x\"}")]
    [InlineData("Content-Length: 1e1\r\n\r\n{\"model\":\"x\"}")]
    [InlineData("Content-Length: 12, 13\r\n\r\n{\"model\":\"x\"}")]
    [InlineData("Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFF\r\nab\r\n0\r\n\r\n")]
    [InlineData("Transfer-Encoding: chunked\r\n\r\n5\r\nabcdefgh\r\n0\r\n\r\n")]
    [InlineData("Transfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n")]
    public async Task MalformedFramingIsA400(string framing)
    {
        var answer = await RawAsync("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + GatewayFixture.AdminKey +
            "\r\nContent-Type: application/json\r\n" + framing);

        Assert.StartsWith("HTTP/1.1 400 ", answer, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("POST", "/health/live", 405)]
    [InlineData("DELETE", "/health/ready", 405)]
    [InlineData("GET", "/health/live", 200)]
    [InlineData("HEAD", "/health/live", 200)]
    public async Task HealthProbesAnswerGetAndHeadOnly(string method, string path, int status)
    {
        using var response = await Client().SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(status, (int)response.StatusCode);
    }

    private HttpClient Client()
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}"), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayFixture.AdminKey);
        return client;
    }

    private static async Task AssertOpenAiErrorAsync(HttpResponseMessage response, int status, string inMessage)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Contains(inMessage, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    // Sends raw bytes and reads what comes back until the server closes or goes quiet.
    private async Task<string> RawAsync(string request)
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, _port);
        var stream = socket.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var answer = new StringBuilder();
        var buffer = new byte[8192];
        using var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            while (!answer.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) || !HasWholeBody(answer.ToString()))
            {
                var read = await stream.ReadAsync(buffer, quiet.Token);
                if (read == 0)
                {
                    break;
                }

                answer.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }
        }
        catch (OperationCanceledException)
        {
            // The server kept the connection open after its answer.
        }

        return answer.ToString();
    }

    private static bool HasWholeBody(string answer)
    {
        var split = answer.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var length = answer[..split].Split("\r\n").FirstOrDefault(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        return length is null || answer.Length - split - 4 >= int.Parse(length["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
