using Verge.Orleans.Gateway.Hosting;
using Verge.Orleans.Silo.Hosting;

namespace Verge.Orleans.Standalone;

/// <summary>
/// <c>dotnet run --project Standalone</c>: a silo and the gateway in one process (SQLite state, the demo
/// model), answering on one port. Cluster mode runs Silo, Gateway and Front as separate processes instead.
/// </summary>
public sealed class Program
{
    private Program()
    {
    }

    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration["Verge:Gateway:HostSilo"] = "true"; // what the gateway's heartbeat reports
        builder.AddVergeSilo();
        builder.AddVergeGateway();

        var app = builder.Build();
        app.MapVergeGateway();
        app.Run();
    }
}
