using Microsoft.AspNetCore.Authorization;

namespace Verge.Orleans.Gateway.Identity;

/// <summary>
/// Met by administrators, and by the user the request concerns: the route's <c>user</c>, else the query's
/// <c>user</c>, else the caller itself. Refused with <paramref name="refusal"/>.
/// </summary>
internal sealed class SelfOrAdminRequirement(string refusal) : AuthorizationHandler<SelfOrAdminRequirement>, IAuthorizationRequirement
{
    public const string OwnKeys = "You may manage only your own user and keys.";

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, SelfOrAdminRequirement requirement)
    {
        var http = context.Resource as HttpContext;
        var concerned = http?.GetRouteValue("user")?.ToString() ?? http?.Request.Query["user"].FirstOrDefault();
        if (context.User.IsInRole(VergeClaims.AdminRole) || (context.User.Identity?.IsAuthenticated == true && (concerned is null || concerned == context.User.Identity.Name)))
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new AuthorizationFailureReason(this, refusal));
        }

        return Task.CompletedTask;
    }
}
