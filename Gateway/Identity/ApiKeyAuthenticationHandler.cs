using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Verge.Orleans.Gateway.Anthropic;
using Verge.Orleans.Gateway.OpenAi;

namespace Verge.Orleans.Gateway.Identity;

/// <summary>
/// The API key scheme (<c>Authorization: Bearer</c> or <c>x-api-key</c>). It runs before the endpoint
/// reads its body; refusals answer in the route's own shape (Anthropic's on <c>/v1/messages</c>, else
/// VergeOS' <c>Login required</c> beside an OpenAI error), and the grant goes to the handlers.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyAuthenticator authenticator)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var (grant, status) = await authenticator.AuthenticateAsync(Context);
        if (grant is null)
        {
            return AuthenticateResult.Fail(new KeyRefused(status));
        }

        Context.Features.Set(grant);
        return AuthenticateResult.Success(new AuthenticationTicket(VergeClaims.Principal(grant, Scheme.Name), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var ipRefused = (await HandleAuthenticateOnceSafeAsync()).Failure is KeyRefused { Status: 403 };
        var refusal = AnthropicRoute.Serves(Context)
            ? ipRefused ? AnthropicErrors.IpForbidden() : AnthropicErrors.LoginRequired()
            : ipRefused ? OpenAiErrors.IpForbidden() : OpenAiErrors.LoginRequired();
        await refusal.ExecuteAsync(Context);
    }

    /// <summary>Why a key was refused: 401 (missing, unknown, revoked, expired) or 403 (not from this address).</summary>
    internal sealed class KeyRefused(int status) : Exception(status == 403 ? "The key refuses this address." : "No valid key.")
    {
        public int Status { get; } = status;
    }
}
