using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor.Services;
using Verge.Orleans.Gateway.WebConsole;
using Verge.Orleans.Gateway.WebConsole.Chat;

namespace Verge.Orleans.Gateway.Hosting;

public static class ConsoleExtensions
{
    /// <summary>The web console: Blazor rendered interactively on the server, MudBlazor components, the console's services.</summary>
    public static IHostApplicationBuilder AddVergeConsole(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddScoped<AuthenticationStateProvider, KeyRevalidation>();
        builder.Services.AddMudServices();
        builder.Services.AddScoped<ConsoleCaller>();
        builder.Services.AddSingleton<ConsoleChat>();
        return builder;
    }

    /// <summary>The console at <c>/</c>, its assets, and its sign-in and sign-out posts.</summary>
    public static IEndpointRouteBuilder MapVergeConsole(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapStaticAssets();
        endpoints.MapPost(ConsoleEndpoints.SignInPath, ConsoleEndpoints.SignInAsync).AllowAnonymous();
        endpoints.MapPost(ConsoleEndpoints.SignOutPath, (Delegate)ConsoleEndpoints.SignOutAsync).AllowAnonymous();
        endpoints.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return endpoints;
    }
}
