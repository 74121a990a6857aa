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

    /// <summary>Failures that escape a <c>/v1</c> endpoint still answer as OpenAI errors.</summary>
    public static IHostApplicationBuilder AddOpenAiErrors(this IHostApplicationBuilder builder)
    {
        builder.Services.AddExceptionHandler<OpenAiExceptionHandler>();
        return builder;
    }
}
