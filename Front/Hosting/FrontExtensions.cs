using Verge.Orleans.Front.Balancing;
using Microsoft.Extensions.Options;
using Verge.Orleans.Hosting;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Transforms;

namespace Verge.Orleans.Front.Hosting;

public static class FrontExtensions
{
    /// <summary>YARP with a configuration rebuilt from the cluster's gateway directory, health policies and telemetry.</summary>
    public static IHostApplicationBuilder AddVergeFront(this IHostApplicationBuilder builder)
    {
        builder.AddFrontProxy();
        builder.Services.AddHostedService<HelperDiscovery>();
        builder.AddVergeTelemetry();
        return builder;
    }

    /// <summary>YARP with the front's options, health policy and transforms; its gateways come from <see cref="HelperDiscovery"/>.</summary>
    internal static IHostApplicationBuilder AddFrontProxy(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FrontOptions>().BindConfiguration(FrontOptions.Section)
            .Validate(o => o.DiscoveryPeriod > TimeSpan.Zero && o.HealthCheckInterval > TimeSpan.Zero && o.MaxReplayBodyBytes >= 0 && o.MaxWholeAnswerBytes is >= 0 and <= FrontOptions.MaxWholeAnswerLimit,
                $"{FrontOptions.Section}: DiscoveryPeriod and HealthCheckInterval must be positive, MaxReplayBodyBytes not negative, MaxWholeAnswerBytes from 0 to {FrontOptions.MaxWholeAnswerLimit}.")
            .ValidateOnStart();
        builder.Services.AddReverseProxy().LoadFromMemory([], []).AddTransforms(transforms =>
        {
            var bound = transforms.Services.GetRequiredService<IOptions<FrontOptions>>().Value.MaxWholeAnswerBytes;
            transforms.AddResponseTransform(context => WholeAnswers.ReadAsync(context, bound));
        });
        builder.Services.AddSingleton<IPassiveHealthCheckPolicy, FirstFailurePolicy>();
        return builder;
    }

    /// <summary>Every path goes to a gateway; a request that failed before its answer started is replayed on another.</summary>
    public static WebApplication MapVergeFront(this WebApplication app)
    {
        app.MapReverseProxy(proxy =>
        {
            proxy.UseMiddleware<ReplayOnAnotherHelper>();
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
        return app;
    }
}
