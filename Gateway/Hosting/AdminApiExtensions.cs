using Microsoft.Extensions.DependencyInjection.Extensions;
using System.Text.Json;
using System.Text.Json.Serialization;
using Verge.Orleans.Gateway.Admin;
using Verge.Orleans.Gateway.Identity;
using Verge.Orleans.Gateway.Limits;
using Verge.Orleans.Gateway.Operations;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Abstractions.Limits;
using Verge.Orleans.Grains.Abstractions.Resilience;

namespace Verge.Orleans.Gateway.Hosting;

public static class AdminApiExtensions
{
    /// <summary>Key verification and limits for every API, the first admin key, and the admin API's JSON and errors.</summary>
    public static IHostApplicationBuilder AddVergeIdentity(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ApiKeyAuthenticator>();
        builder.Services.TryAddKeyedSingleton<TimeProvider>(LimitKeys.Clock, (services, _) => services.GetRequiredService<TimeProvider>());
        builder.Services.AddSingleton<LimitGate>();
        builder.Services.AddSingleton<UsageMetrics>();
        builder.Services.AddHostedService<AdminBootstrapper>();
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        return builder;
    }

    /// <summary>The admin REST API under <c>/api/v1</c>: JSON in and out, ProblemDetails errors.</summary>
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1").AddEndpointFilter<ApiKeyFilter>().AddEndpointFilter(MapErrorsAsync);
        api.MapGet("/users", UsersEndpoints.ListAsync);
        api.MapPost("/users", UsersEndpoints.CreateAsync);
        api.MapGet("/users/{user}", UsersEndpoints.GetAsync);
        api.MapPut("/users/{user}", UsersEndpoints.UpdateAsync);
        api.MapDelete("/users/{user}", UsersEndpoints.DeleteAsync);
        api.MapGet("/users/{user}/keys", UsersEndpoints.ListKeysAsync);
        api.MapPost("/users/{user}/keys", UsersEndpoints.CreateKeyAsync);
        api.MapPut("/users/{user}/keys/{key}", UsersEndpoints.UpdateKeyAsync);
        api.MapDelete("/users/{user}/keys/{key}", UsersEndpoints.DeleteKeyAsync);
        api.MapSessions();
        api.MapGet("/usage", UsageEndpoints.ListAsync);
        api.MapGet("/models", CatalogEndpoints.ListModelsAsync);
        api.MapPost("/models", CatalogEndpoints.CreateModelAsync);
        api.MapGet("/models/{model}", CatalogEndpoints.GetModelAsync);
        api.MapPut("/models/{model}", CatalogEndpoints.UpdateModelAsync);
        api.MapDelete("/models/{model}", CatalogEndpoints.DeleteModelAsync);
        api.MapGet("/models/{model}/status", CatalogEndpoints.GetModelStatusAsync);
        api.MapPost("/models/{model}/start", CatalogEndpoints.StartModelAsync);
        api.MapPost("/models/{model}/stop", CatalogEndpoints.StopModelAsync);
        api.MapPost("/models/{model}/restart", CatalogEndpoints.RestartModelAsync);
        api.MapGet("/assistants", CatalogEndpoints.ListAssistantsAsync);
        api.MapPost("/assistants", CatalogEndpoints.CreateAssistantAsync);
        api.MapGet("/assistants/{assistant}", CatalogEndpoints.GetAssistantAsync);
        api.MapPut("/assistants/{assistant}", CatalogEndpoints.UpdateAssistantAsync);
        api.MapDelete("/assistants/{assistant}", CatalogEndpoints.DeleteAssistantAsync);
        api.MapGet("/workers", CatalogEndpoints.ListWorkersAsync);
        api.MapGet("/gateways", CatalogEndpoints.ListGatewaysAsync);
        return endpoints;
    }

    // Grain refusals become ProblemDetails in this one place.
    private static async ValueTask<object?> MapErrorsAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (ServingException error)
        {
            return Results.Problem(statusCode: error.Status, title: error.Code, detail: error.Message);
        }
        catch (Exception error) when (SiloLoss.Is(error))
        {
            return Results.Problem(statusCode: 503, title: "node_lost", detail: "A node of the cluster went away while serving this request; retry.");
        }
    }
}
