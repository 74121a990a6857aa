using Microsoft.AspNetCore.HttpOverrides;
using Verge.Orleans.Gateway.Upstreams;

namespace Verge.Orleans.Gateway.Hosting;

/// <summary>The whole gateway in two calls, shared by its own host (cluster mode) and the single-process host.</summary>
public static class GatewayExtensions
{
    /// <summary>Where the front runs, as CIDR ranges: their <c>X-Forwarded-For</c> is the client's address (loopback always is).</summary>
    public const string TrustedProxiesKey = "Verge:Gateway:TrustedProxies";

    /// <summary>Keys, the OpenAI and Anthropic APIs, upstream assistants, health, metrics, the dashboard's services and the console.</summary>
    public static IHostApplicationBuilder AddVergeGateway(this IHostApplicationBuilder builder)
    {
        builder.AddVergeIdentity();
        builder.AddOpenAiApi();
        builder.AddVergeOperations();
        builder.AddUpstreamAssistants();
        builder.AddVergeConsole();
        builder.Services.Configure<ForwardedHeadersOptions>(forwarded =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var range in builder.Configuration.GetSection(TrustedProxiesKey).Get<string[]>() ?? [])
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(range));
            }
        });
        return builder;
    }

    /// <summary>Assistants served by an external OpenAI-compatible server: YARP's forwarder, key encryption, the catalog's view.</summary>
    public static IHostApplicationBuilder AddUpstreamAssistants(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpForwarder();
        builder.Services.AddSingleton<UpstreamKeyProtector>();
        builder.Services.AddSingleton<UpstreamAssistants>();
        builder.Services.AddSingleton<UpstreamForwarder>();
        return builder;
    }

    /// <summary>
    /// Behind the front, the client's address (IP allow and deny lists) and scheme come from the front's
    /// <c>X-Forwarded-*</c> headers, trusted only from loopback and <see cref="TrustedProxiesKey"/>.
    /// </summary>
    public static IApplicationBuilder UseVergeForwardedHeaders(this IApplicationBuilder app) => app.UseForwardedHeaders();

    /// <summary>
    /// Error pages and the edge of <c>/v1</c>, authentication, then every route: operations, <c>/v1</c>
    /// (OpenAI and Anthropic), <c>/api/v1</c>, the console.
    /// </summary>
    public static WebApplication MapVergeGateway(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseV1Edge();
        app.UseVergeAuthentication();
        app.MapVergeOperations();
        app.MapOpenAiApi();
        app.MapAnthropicApi();
        app.MapAdminApi();
        app.MapVergeConsole();
        return app;
    }
}
