using Verge.Orleans.Gateway.Anthropic;
using Verge.Orleans.Gateway.OpenAi;
using Verge.Orleans.Grains.Abstractions.Identity;

namespace Verge.Orleans.Gateway.Identity;

/// <summary>Closes a route group to callers without a valid key and hands the grant to the handlers.</summary>
internal sealed class ApiKeyFilter(ApiKeyAuthenticator authenticator) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var (grant, status) = await authenticator.AuthenticateAsync(http);
        if (grant is null)
        {
            return AnthropicRoute.Serves(http)
                ? status == 403 ? AnthropicErrors.IpForbidden() : AnthropicErrors.LoginRequired()
                : status == 403 ? OpenAiErrors.IpForbidden() : OpenAiErrors.LoginRequired();
        }

        http.Features.Set(grant);
        return await next(context);
    }
}

internal static class GrantExtensions
{
    /// <summary>The caller's verified key (set by <see cref="ApiKeyFilter"/>).</summary>
    public static ApiKeyGrant Grant(this HttpContext http) =>
        http.Features.Get<ApiKeyGrant>() ?? throw new InvalidOperationException("The endpoint is not behind ApiKeyFilter.");

    public static bool MayUse(this ApiKeyGrant grant, string assistant) =>
        grant.AllowedAssistants is null || grant.AllowedAssistants.Contains(assistant, StringComparer.Ordinal);
}
