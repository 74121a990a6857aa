using Microsoft.Extensions.Hosting;
using Verge.Orleans.Silo.Hosting;

if (args.Length > 0 && args[0] == ModelFileCommand.Name)
{
    return ModelFileCommand.Run(args);
}

var builder = Host.CreateApplicationBuilder(args);
builder.AddVergeSilo();
await builder.Build().RunAsync();
return 0;
