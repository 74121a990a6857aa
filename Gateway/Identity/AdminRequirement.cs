using Microsoft.AspNetCore.Authorization;

namespace Verge.Orleans.Gateway.Identity;

/// <summary>Met by administrators; refused with the admin API's message.</summary>
internal sealed class AdminRequirement : AuthorizationHandler<AdminRequirement>, IAuthorizationRequirement
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, AdminRequirement requirement)
    {
        if (context.User.IsInRole(VergeClaims.AdminRole))
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new AuthorizationFailureReason(this, "Only administrators may do this."));
        }

        return Task.CompletedTask;
    }
}
