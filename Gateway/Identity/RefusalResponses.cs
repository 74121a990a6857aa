using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Verge.Orleans.Gateway.Operations;

namespace Verge.Orleans.Gateway.Identity;

/// <summary>
/// What a refused request gets: on the dashboard its HTML pages; on the APIs, an API key that may not do
/// what it asked gets the admin API's 403 ProblemDetails with the refusing rule's reason (a missing key is
/// the key scheme's own challenge); the console keeps the cookie's redirects.
/// </summary>
internal sealed class RefusalResponses : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<DashboardRoute>() is not null && !authorizeResult.Succeeded)
        {
            var ipRefused = (await context.AuthenticateAsync(VergeSchemes.ApiKey)).Failure is ApiKeyAuthenticationHandler.KeyRefused { Status: 403 };
            await DashboardEndpoints.Refusal(authorizeResult.Forbidden || ipRefused ? 403 : 401).ExecuteAsync(context);
            return;
        }

        if (authorizeResult.Forbidden && policy.AuthenticationSchemes.Contains(VergeSchemes.ApiKey)
            && authorizeResult.AuthorizationFailure?.FailureReasons.FirstOrDefault() is { } reason)
        {
            await Results.Problem(statusCode: 403, title: "Forbidden", detail: reason.Message).ExecuteAsync(context);
            return;
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
