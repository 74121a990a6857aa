using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Chat;
using Verge.Orleans.Grains.Abstractions.Grains;

namespace Verge.Orleans.Tests.Gateway;

/// <summary>
/// The single-process product (gateway with its co-hosted silo) on the test server, serving the
/// scripted model as <c>verge-demo</c> (8 slots) and <c>solo</c> (1 slot, no queue).
/// </summary>
public sealed class GatewayFixture : WebApplicationFactory<Program>
{
    public const string Demo = "verge-demo";
    public const string Solo = "solo";

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        var data = Path.Combine(Path.GetTempPath(), $"verge-gateway-{Guid.NewGuid():N}");
        var settings = new Dictionary<string, string>
        {
            ["Verge:DataDirectory"] = data,
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
    }

    public ChatClient Chat(string model = Demo) =>
        new(model, new ApiKeyCredential("unused"), new OpenAIClientOptions
        {
            Endpoint = new Uri(Server.BaseAddress, "/v1"),
            Transport = new HttpClientPipelineTransport(CreateClient()),
            NetworkTimeout = TimeSpan.FromSeconds(60),
        });

    public OpenAIClient OpenAi() =>
        new(new ApiKeyCredential("unused"), new OpenAIClientOptions
        {
            Endpoint = new Uri(Server.BaseAddress, "/v1"),
            Transport = new HttpClientPipelineTransport(CreateClient()),
        });

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public async Task<WorkerStatus> WorkerOf(string model) =>
        (await Grains.GetGrain<IModelGrain>(model).GetWorkersAsync()).Single();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gateway";
}
