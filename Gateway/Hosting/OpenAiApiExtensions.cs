using Verge.Orleans.Gateway.Identity;
using Verge.Orleans.Gateway.OpenAi;
using Verge.Orleans.Gateway.OpenAi.Responses;
using Verge.Orleans.Gateway.Serving;
using Verge.Orleans.Gateway.Upstreams;

namespace Verge.Orleans.Gateway.Hosting;

public static class OpenAiApiExtensions
{
    /// <summary>The OpenAI-compatible surface under <c>/v1</c>; requests for upstream assistants are forwarded before the endpoints.</summary>
    public static IEndpointRouteBuilder MapOpenAiApi(this IEndpointRouteBuilder endpoints)
    {
        var v1 = endpoints.MapGroup("/v1").RequireAuthorization(VergePolicies.User).AddEndpointFilter<UpstreamFilter>();
        v1.MapGet("/models", ModelsEndpoint.ListAsync);
        v1.MapGet("/models/{id}", ModelsEndpoint.GetAsync);
        v1.MapPost("/chat/completions", ChatCompletionsEndpoint.HandleAsync);
        v1.MapPost("/completions", CompletionsEndpoint.HandleAsync);
        v1.MapResponses();
        v1.MapPost("/embeddings", EmbeddingsEndpoint.HandleAsync);
        return endpoints;
    }

    /// <summary>
    /// The edge of <c>/v1</c> (see <see cref="V1Edge"/>): the body limit and API-shaped errors for statuses
    /// set without a body; elsewhere such statuses get problem details.
    /// </summary>
    public static IApplicationBuilder UseV1Edge(this IApplicationBuilder app)
    {
        var maxBytes = app.ApplicationServices.GetRequiredService<IConfiguration>().GetValue(V1Edge.Setting, V1Edge.DefaultMaxBodyBytes);
        app.UseStatusCodePages(V1Edge.WriteStatusAsync);
        return app.Use(next => V1Edge.LimitBody(next, maxBytes));
    }

    /// <summary>Request limits for <c>/v1</c>; failures that escape an endpoint still answer as OpenAI errors.</summary>
    public static IHostApplicationBuilder AddOpenAiApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ChatRequestLimits>().BindConfiguration(ChatRequestLimits.Section)
            .Validate(limits => limits.MaxChoices >= 1 && limits.MaxTools >= 0 && limits.MaxPrompts >= 1,
                $"{ChatRequestLimits.Section}: MaxChoices and MaxPrompts must be at least 1 and MaxTools not negative.")
            .ValidateOnStart();
        builder.Services.AddOptions<MigrationOptions>().BindConfiguration(MigrationOptions.Section)
            .Validate(migration => migration.MaxMoves >= 0 && migration.StallTimeout > TimeSpan.Zero,
                $"{MigrationOptions.Section}: MaxMoves must not be negative and StallTimeout must be positive.")
            .ValidateOnStart();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<GenerationRunner>();
        builder.Services.AddSingleton<SiloWatch>();
        builder.Services.AddHostedService(services => services.GetRequiredService<SiloWatch>());
        builder.Services.AddSingleton<EmbeddingRunner>();
        builder.Services.AddExceptionHandler<OpenAiExceptionHandler>();
        return builder;
    }
}
