using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Orleans.Dashboard;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Verge.Orleans.Gateway.Identity;
using Verge.Orleans.Gateway.Operations;
using Verge.Orleans.Hosting;

namespace Verge.Orleans.Gateway.Hosting;

public static class OperationsExtensions
{
    private const string Ready = "ready";

    /// <summary>Health checks, metrics and traces, the gateway's heartbeat, and the dashboard's services.</summary>
    public static IHostApplicationBuilder AddVergeOperations(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks().AddCheck<ClusterReadyCheck>("cluster", tags: [Ready]);
        builder.Services.AddSingleton<GatewayHeartbeat>();
        builder.Services.AddHostedService(services => services.GetRequiredService<GatewayHeartbeat>());
        builder.Services.AddSingleton<ServingMetrics>();
        builder.Services.AddHostedService<ClusterGauges>();
        builder.AddVergeTelemetry(TraceHttp)
            .WithMetrics(metrics => metrics.AddAspNetCoreInstrumentation().AddPrometheusExporter());
        return builder;
    }

    /// <summary>HTTP requests start the traces (scrapes of /metrics do not).</summary>
    public static void TraceHttp(TracerProviderBuilder tracing) =>
        tracing.AddAspNetCoreInstrumentation(http => http.Filter = context => !context.Request.Path.StartsWithSegments("/metrics"));

    /// <summary>
    /// <c>/health/live</c> and <c>/health/ready</c> (no key: orchestrators call them), <c>/metrics</c> in
    /// Prometheus' format (no key, like llama.cpp's server and vLLM; it holds no prompt or key), and the
    /// Orleans Dashboard at <c>/dashboard</c> for administrators.
    /// </summary>
    public static IEndpointRouteBuilder MapVergeOperations(this IEndpointRouteBuilder endpoints)
    {
        HttpMethodMetadata probes = new(["GET", "HEAD"]); // anything else is a 405
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).WithMetadata(probes);
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(Ready) }).WithMetadata(probes);
        endpoints.MapPrometheusScrapingEndpoint("/metrics");
        endpoints.MapGet(DashboardEndpoints.Prefix + "/login", DashboardEndpoints.LoginForm);
        endpoints.MapPost(DashboardEndpoints.Prefix + "/login", DashboardEndpoints.LoginAsync);
        endpoints.MapOrleansDashboard(DashboardEndpoints.Prefix).WithMetadata(DashboardRoute.Instance).RequireAuthorization(VergePolicies.Dashboard);
        return endpoints;
    }
}
