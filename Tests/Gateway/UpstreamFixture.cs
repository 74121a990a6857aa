using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Verge.Orleans.Gateway.Hosting;
using Verge.Orleans.Silo.Hosting;

namespace Verge.Orleans.Tests.Gateway;

/// <summary>
/// Two products: the gateway under test (on the test server) and a second one on a real loopback port, the
/// upstream, serving the demo model and a tiny embedding model (<see cref="EmbeddingModel"/>) and knowing
/// only its own admin key (<see cref="UpstreamKey"/>).
/// </summary>
public sealed class UpstreamFixture : IAsyncLifetime
{
    public const string UpstreamKey = "vk_ffeeddccbbaa9988_UpstreamSecretUpstreamSecretUpstreamSecretU";

    /// <summary>The upstream's embedding model (64 dimensions, mean-pooled).</summary>
    public const string EmbeddingModel = "upstream-embed";

    private readonly GatewayFixture _factory = new();
    private WebApplication? _upstream;

    public LogCapture GatewayLogs { get; } = new();

    public LogCapture UpstreamLogs { get; } = new();

    public WebApplicationFactory<Standalone.Program> Gateway { get; private set; } = null!;

    public Uri UpstreamBaseUrl { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var port = GatewayFixture.FreePort();
        // Named as the product, so the console's static assets are found as the product finds them.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = typeof(Standalone.Program).Assembly.GetName().Name });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Verge:DataDirectory"] = Path.Combine(Path.GetTempPath(), $"verge-upstream-{Guid.NewGuid():N}"),
            ["Verge:BootstrapAdminKey"] = UpstreamKey,
            ["Logging:Console:LogLevel:Default"] = "Warning",
            ["Verge:Silo:SiloPort"] = GatewayFixture.FreePort().ToString(),
            ["Verge:Silo:GatewayPort"] = GatewayFixture.FreePort().ToString(),
            ["Verge:Models:0:Name"] = GatewayFixture.Demo,
            ["Verge:Models:0:Path"] = TestModels.ScriptedPath,
            ["Verge:Models:0:Parallel"] = "4",
            ["Verge:Models:0:ContextSize"] = "2048",
            ["Verge:Models:0:Cores"] = "2",
            ["Verge:Models:1:Name"] = EmbeddingModel,
            ["Verge:Models:1:Path"] = TestModels.EmbeddingPath,
            ["Verge:Models:1:Embedding"] = "true",
            ["Verge:Models:1:Pooling"] = "mean",
            ["Verge:Models:1:ContextSize"] = "64",
            ["Verge:Models:1:Parallel"] = "4",
            ["Verge:Models:1:Cores"] = "1",
        });
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.AddProvider(UpstreamLogs);
        builder.AddVergeSilo();
        builder.AddVergeGateway();
        _upstream = builder.Build();
        _upstream.MapVergeGateway();
        await _upstream.StartAsync();
        UpstreamBaseUrl = new Uri($"http://127.0.0.1:{port}/v1");

        Gateway = _factory.Isolated(web => web.ConfigureLogging(logging => logging.AddProvider(GatewayLogs)));
        _ = Gateway.Server; // starts it
    }

    public HttpClient Client(string key = GatewayFixture.AdminKey)
    {
        var client = Gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        return client;
    }

    /// <summary>A client of the upstream itself, with its own key: what it answers when asked directly.</summary>
    public HttpClient Upstream() => new()
    {
        BaseAddress = new Uri(UpstreamBaseUrl, "/"),
        DefaultRequestHeaders = { Authorization = new("Bearer", UpstreamKey) },
    };

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await _factory.DisposeAsync();
        if (_upstream is not null)
        {
            await _upstream.StopAsync();
            await _upstream.DisposeAsync();
        }
    }
}
