using Verge.Orleans.Front.Hosting;
using Verge.Orleans.Hosting;

namespace Verge.Orleans.Front;

/// <summary>The front: an Orleans client that learns the gateways from their heartbeats and proxies to them.</summary>
public sealed class Program
{
    private Program()
    {
    }

    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddVergeClient();
        builder.AddVergeFront();

        var app = builder.Build();
        app.MapVergeFront();
        app.Run();
    }
}
