using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;
using Verge.Orleans.Grains.Abstractions.Grains;

namespace Verge.Orleans.Tests.Gateway;

/// <summary>
/// The single-process product (gateway with its co-hosted silo) on the test server, serving the
/// scripted model as <c>verge-demo</c> (8 slots) and <c>solo</c> (1 slot, no queue).
/// </summary>
public sealed class GatewayFixture : WebApplicationFactory<Standalone.Program>
{
    public const string Demo = "verge-demo";
    public const string Solo = "solo";

    /// <summary>The admin key the fixture installs through <c>Verge:BootstrapAdminKey</c>.</summary>
    public const string AdminKey = "vk_00112233445566aa_AdminKeyOfTheTestsAdminKeyOfTheTestsAdminKe";

    /// <summary>Requests carrying this header appear to come from that address (the test server has none).</summary>
    public const string RemoteIpHeader = "X-Test-Remote-Ip";

    private readonly string _data;

    public GatewayFixture()
        : this(Path.Combine(Path.GetTempPath(), $"verge-gateway-{Guid.NewGuid():N}"))
    {
    }

    /// <summary>A gateway keeping its SQLite state in <paramref name="dataDirectory"/>: a second one on the same folder is a restart.</summary>
    internal GatewayFixture(string dataDirectory) => _data = dataDirectory;

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string>
        {
            ["Verge:DataDirectory"] = _data,
            ["Logging:Console:LogLevel:Default"] = "Warning", // the run's output stays readable; log captures still see everything
            ["Verge:BootstrapAdminKey"] = AdminKey,
            ["Verge:Silo:SiloPort"] = FreePort().ToString(),
            ["Verge:Silo:GatewayPort"] = FreePort().ToString(),
            ["Verge:Models:0:Name"] = Demo,
            ["Verge:Models:0:Path"] = TestModels.ScriptedPath,
            ["Verge:Models:0:Parallel"] = "8",
            ["Verge:Models:0:ContextSize"] = "2048",
            ["Verge:Models:0:Cores"] = "2",
            ["Verge:Models:1:Name"] = Solo,
            ["Verge:Models:1:Path"] = TestModels.ScriptedPath,
            ["Verge:Models:1:Parallel"] = "1",
            ["Verge:Models:1:MaxQueue"] = "0",
            ["Verge:Models:1:ContextSize"] = "32768",
            ["Verge:Models:1:Cores"] = "2",
        };
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, RemoteIpFromHeader>());
    }

    /// <summary>An HTTP client that sends <paramref name="key"/> (the admin key by default).</summary>
    public HttpClient Client(string? key = AdminKey, string? remoteIp = null)
    {
        var client = CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }

        if (remoteIp is not null)
        {
            client.DefaultRequestHeaders.Add(RemoteIpHeader, remoteIp);
        }

        return client;
    }

    public ChatClient Chat(string model = Demo, string key = AdminKey) =>
        new(model, new ApiKeyCredential(key), new OpenAIClientOptions
        {
            Endpoint = new Uri(Server.BaseAddress, "/v1"),
            Transport = new HttpClientPipelineTransport(CreateClient()),
            NetworkTimeout = TimeSpan.FromSeconds(60),
        });

    /// <summary>The official Anthropic SDK on the test server; it sends <paramref name="key"/> as <c>x-api-key</c>.</summary>
    public global::Anthropic.AnthropicClient Anthropic(string key = AdminKey) => new()
    {
        BaseUrl = Server.BaseAddress.ToString().TrimEnd('/'),
        ApiKey = key,
        HttpClient = CreateClient(),
        MaxRetries = 0,
        Timeout = TimeSpan.FromSeconds(60),
    };

    public EmbeddingClient Embeddings(string model, string key = AdminKey) =>
        new(model, new ApiKeyCredential(key), new OpenAIClientOptions
        {
            Endpoint = new Uri(Server.BaseAddress, "/v1"),
            Transport = new HttpClientPipelineTransport(CreateClient()),
            NetworkTimeout = TimeSpan.FromSeconds(60),
        });

    public OpenAIClient OpenAi() =>
        new(new ApiKeyCredential(AdminKey), new OpenAIClientOptions
        {
            Endpoint = new Uri(Server.BaseAddress, "/v1"),
            Transport = new HttpClientPipelineTransport(CreateClient()),
        });

    /// <summary>
    /// Another single-process gateway beside this one: its own silo ports and data folder (SQLite state must
    /// not be shared by two silos), plus <paramref name="configure"/>.
    /// </summary>
    public WebApplicationFactory<Standalone.Program> Isolated(Action<IWebHostBuilder> configure, string? dataDirectory = null) =>
        WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Verge:Silo:SiloPort", FreePort().ToString());
            builder.UseSetting("Verge:Silo:GatewayPort", FreePort().ToString());
            builder.UseSetting("Verge:DataDirectory", dataDirectory ?? Path.Combine(Path.GetTempPath(), $"verge-isolated-{Guid.NewGuid():N}"));
            configure(builder);
        });

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public async Task<WorkerStatus> WorkerOf(string model) =>
        (await Grains.GetGrain<IModelGrain>(model).GetWorkersAsync()).Single();

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

internal sealed class RemoteIpFromHeader : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (context.Request.Headers.TryGetValue(GatewayFixture.RemoteIpHeader, out var ip))
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(ip.ToString());
            }

            return nextMiddleware(context);
        });
        next(app);
    };
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gateway";
}
