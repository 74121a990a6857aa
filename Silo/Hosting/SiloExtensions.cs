using LLama.Native;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Verge.Orleans.Grains;
using Verge.Orleans.Grains.Catalog;
using Verge.Orleans.Grains.Inference;
using Verge.Orleans.Grains.Placement;

namespace Verge.Orleans.Silo.Hosting;

public static class SiloExtensions
{
    /// <summary>
    /// Hosts a silo in this process. Without <c>Verge:Cluster</c> settings it clusters with itself on
    /// localhost: the single-process mode.
    /// </summary>
    public static IHostApplicationBuilder AddVergeSilo(this IHostApplicationBuilder builder)
    {
        builder.UseOrleans(silo =>
        {
            var options = builder.Configuration.GetSection(SiloOptions.Section).Get<SiloOptions>() ?? new SiloOptions();
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort);
            silo.AddVergeGrains(options.Gpu);
        });
        return builder;
    }

    /// <summary>Everything a Verge silo needs besides clustering: grain services, placement, storage.</summary>
    public static ISiloBuilder AddVergeGrains(this ISiloBuilder silo, bool gpu)
    {
        silo.UseSiloMetadata(new Dictionary<string, string> { [GpuPlacementDirector.MetadataKey] = gpu ? "true" : "false" });
        silo.AddMemoryGrainStorage(StorageNames.Verge);
        silo.Services.AddPlacementFilter<GpuPlacementStrategy, GpuPlacementDirector>(ServiceLifetime.Transient);
        silo.Services.AddOptions<CatalogOptions>().BindConfiguration(CatalogOptions.Section);
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddSingleton<ConfiguredCatalog>();
        silo.Services.AddSingleton(services =>
        {
            RouteNativeLogs(services.GetRequiredService<ILoggerFactory>().CreateLogger("llama.cpp"));
            return new InferenceService(services.GetRequiredService<ILoggerFactory>());
        });
        return silo;
    }

    // llama.cpp reports every tensor at info level: keep its warnings and errors only.
    private static void RouteNativeLogs(ILogger logger) =>
        NativeLogConfig.llama_log_set((level, message) =>
        {
            if (level is LLamaLogLevel.Warning or LLamaLogLevel.Error)
            {
                logger.Log(level == LLamaLogLevel.Error ? LogLevel.Error : LogLevel.Warning, "{Message}", message.TrimEnd());
            }
        });
}
