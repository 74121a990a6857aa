using Verge.Orleans.Gateway.Anthropic;
using Verge.Orleans.Gateway.Identity;

namespace Verge.Orleans.Gateway.Hosting;

public static class AnthropicApiExtensions
{
    /// <summary>Anthropic's Messages API under <c>/v1/messages</c>: the same keys, assistants and serving path as <c>/v1/chat/completions</c>.</summary>
    public static IEndpointRouteBuilder MapAnthropicApi(this IEndpointRouteBuilder endpoints)
    {
        var messages = endpoints.MapGroup("/v1/messages").WithMetadata(AnthropicRoute.Instance).RequireAuthorization(VergePolicies.User);
        messages.MapPost("", MessagesEndpoint.CreateAsync);
        messages.MapPost("/count_tokens", MessagesEndpoint.CountTokensAsync);
        return endpoints;
    }
}
