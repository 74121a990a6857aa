using Microsoft.Extensions.Hosting;
using Verge.Orleans.Hosting;
using Verge.Orleans.Silo.Hosting;

namespace Verge.Orleans.Silo;

// An explicit entry point: a top-level one would be a public global Program, like the gateway's.
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == ModelFileCommand.Name)
        {
            return ModelFileCommand.Run(args);
        }

        var builder = Host.CreateApplicationBuilder(args);
        builder.AddVergeSilo();
        builder.AddVergeTelemetry();
        await builder.Build().RunAsync();
        return 0;
    }
}
