using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Verge.Orleans.Gateway.Health;
using Verge.Orleans.Gateway.Identity;
using Verge.Orleans.Gateway.OpenAi;

namespace Verge.Orleans.Gateway.Hosting;

public static class OpenAiApiExtensions
{
    /// <summary>The OpenAI-compatible surface under <c>/v1</c>.</summary>
    public static IEndpointRouteBuilder MapOpenAiApi(this IEndpointRouteBuilder endpoints)
    {
        var v1 = endpoints.MapGroup("/v1").AddEndpointFilter<ApiKeyFilter>();
        v1.MapGet("/models", ModelsEndpoint.ListAsync);
        v1.MapPost("/chat/completions", ChatCompletionsEndpoint.HandleAsync);
        return endpoints;
    }

    /// <summary><c>/health/live</c> (the process answers) and <c>/health/ready</c> (the cluster serves), without a key.</summary>
    public static IHostApplicationBuilder AddOpenAiErrors(this IHostApplicationBuilder builder)
    {
        builder.Services.AddExceptionHandler<OpenAiExceptionHandler>();
        return builder;
    }

    public static IHostApplicationBuilder AddVergeHealth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks().AddCheck<ClusterReadyCheck>("cluster", tags: [Ready]);
        builder.Services.AddSingleton<GatewayHeartbeat>();
        builder.Services.AddHostedService(services => services.GetRequiredService<GatewayHeartbeat>());
        return builder;
    }

    public static IEndpointRouteBuilder MapVergeHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(Ready) });
        return endpoints;
    }

    private const string Ready = "ready";
}
