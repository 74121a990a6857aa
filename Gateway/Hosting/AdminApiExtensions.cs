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
        builder.AddVergeAuthentication();
        builder.Services.TryAddKeyedSingleton<TimeProvider>(LimitKeys.Clock, (services, _) => services.GetRequiredService<TimeProvider>());
        builder.Services.AddSingleton<LimitGate>();
        builder.Services.AddSingleton<CatalogCommands>();
        builder.Services.AddSingleton<UsageMetrics>();
        builder.Services.AddHostedService<AdminBootstrapper>();
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        return builder;
    }

    /// <summary>The admin REST API under <c>/api/v1</c>: JSON in and out, ProblemDetails errors.</summary>
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1").RequireAuthorization(VergePolicies.User).AddEndpointFilter(MapErrorsAsync);
        var own = api.MapGroup("").RequireAuthorization(VergePolicies.SelfOrAdmin);
        own.MapGet("/users/{user}", UsersEndpoints.GetAsync);
        own.MapGet("/users/{user}/keys", UsersEndpoints.ListKeysAsync);
        own.MapPost("/users/{user}/keys", UsersEndpoints.CreateKeyAsync);
        own.MapPut("/users/{user}/keys/{key}", UsersEndpoints.UpdateKeyAsync);
        own.MapDelete("/users/{user}/keys/{key}", UsersEndpoints.DeleteKeyAsync);
        own.MapSessions();
        api.MapGet("/usage", UsageEndpoints.ListAsync)
            .RequireAuthorization(policy => policy.AddAuthenticationSchemes(VergeSchemes.ApiKey).AddRequirements(new SelfOrAdminRequirement(UsageEndpoints.OthersRefused)));

        var admin = api.MapGroup("").RequireAuthorization(VergePolicies.Admin);
        admin.MapGet("/users", UsersEndpoints.ListAsync);
        admin.MapPost("/users", UsersEndpoints.CreateAsync);
        admin.MapPut("/users/{user}", UsersEndpoints.UpdateAsync);
        admin.MapDelete("/users/{user}", UsersEndpoints.DeleteAsync);
        admin.MapGet("/models", CatalogEndpoints.ListModelsAsync);
        admin.MapPost("/models", CatalogEndpoints.CreateModelAsync);
        admin.MapGet("/models/{model}", CatalogEndpoints.GetModelAsync);
        admin.MapPut("/models/{model}", CatalogEndpoints.UpdateModelAsync);
        admin.MapDelete("/models/{model}", CatalogEndpoints.DeleteModelAsync);
        admin.MapGet("/models/{model}/status", CatalogEndpoints.GetModelStatusAsync);
        admin.MapPost("/models/{model}/start", CatalogEndpoints.StartModelAsync);
        admin.MapPost("/models/{model}/stop", CatalogEndpoints.StopModelAsync);
        admin.MapPost("/models/{model}/restart", CatalogEndpoints.RestartModelAsync);
        admin.MapGet("/assistants", CatalogEndpoints.ListAssistantsAsync);
        admin.MapPost("/assistants", CatalogEndpoints.CreateAssistantAsync);
        admin.MapGet("/assistants/{assistant}", CatalogEndpoints.GetAssistantAsync);
        admin.MapPut("/assistants/{assistant}", CatalogEndpoints.UpdateAssistantAsync);
        admin.MapDelete("/assistants/{assistant}", CatalogEndpoints.DeleteAssistantAsync);
        admin.MapGet("/workers", CatalogEndpoints.ListWorkersAsync);
        admin.MapGet("/gateways", CatalogEndpoints.ListGatewaysAsync);
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
