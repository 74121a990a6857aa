using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Verge.Orleans.Gateway.Identity;

namespace Verge.Orleans.Gateway.Hosting;

public static class AuthenticationExtensions
{
    /// <summary>
    /// API keys and the console's cookie as ASP.NET Core authentication schemes, the policies the route
    /// groups and pages require, and the Data Protection key ring shared through the cluster's storage.
    /// </summary>
    public static IHostApplicationBuilder AddVergeAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(VergeSchemes.KeyOrCookie)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(VergeSchemes.ApiKey, configureOptions: null)
            .AddCookie(VergeSchemes.Console, ConsoleCookie.Configure)
            .AddPolicyScheme(VergeSchemes.KeyOrCookie, displayName: null, options => options.ForwardDefaultSelector =
                http => ApiKeyAuthenticator.Carries(http.Request) ? VergeSchemes.ApiKey : VergeSchemes.Console);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(VergePolicies.User, policy => policy.AddAuthenticationSchemes(VergeSchemes.ApiKey).RequireAuthenticatedUser())
            .AddPolicy(VergePolicies.Admin, policy => policy.AddAuthenticationSchemes(VergeSchemes.ApiKey).RequireAuthenticatedUser()
                .AddRequirements(new AdminRequirement()))
            .AddPolicy(VergePolicies.SelfOrAdmin, policy => policy.AddAuthenticationSchemes(VergeSchemes.ApiKey).RequireAuthenticatedUser()
                .AddRequirements(new SelfOrAdminRequirement(SelfOrAdminRequirement.OwnKeys)))
            .AddPolicy(VergePolicies.Dashboard, policy => policy.AddAuthenticationSchemes(VergeSchemes.ApiKey, VergeSchemes.Console).RequireAuthenticatedUser()
                .AddRequirements(new AdminRequirement()))
            .AddPolicy(VergePolicies.ConsoleUser, policy => policy.AddAuthenticationSchemes(VergeSchemes.Console).RequireAuthenticatedUser())
            .AddPolicy(VergePolicies.ConsoleAdmin, policy => policy.AddAuthenticationSchemes(VergeSchemes.Console).RequireAuthenticatedUser()
                .AddRequirements(new AdminRequirement()));
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, RefusalResponses>();
        builder.Services.AddAntiforgery();

        // One application name on every gateway, or each would encrypt for itself alone.
        builder.Services.AddDataProtection().SetApplicationName("Verge.Orleans");
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(services =>
            new ConfigureOptions<KeyManagementOptions>(options => options.XmlRepository = new GrainXmlRepository(services.GetRequiredService<IGrainFactory>())));
        return builder;
    }

    /// <summary>Authentication, authorization and antiforgery, after the error handlers (so a failure to reach a key's grain answers like any other) and before every endpoint.</summary>
    public static WebApplication UseVergeAuthentication(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }
}
