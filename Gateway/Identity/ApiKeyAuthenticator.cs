using System.Collections.Concurrent;
using System.Net;
using Microsoft.Net.Http.Headers;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Identity;
using Verge.Orleans.Grains.Abstractions.Resilience;

namespace Verge.Orleans.Gateway.Identity;

/// <summary>
/// Verifies API keys against their grains. A verified grant is reused for at most
/// <see cref="CacheLifetime"/>, so a revoked key or a disabled user stops working on every gateway
/// within that time; expiry and IP lists are checked on every request.
/// </summary>
internal sealed class ApiKeyAuthenticator(IGrainFactory grains, TimeProvider time)
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(1);

    public const string ApiKeyHeader = "x-api-key";

    private readonly ConcurrentDictionary<string, (ApiKeyGrant Grant, DateTimeOffset Verified)> _cache = new();

    /// <summary>The key the request carries, verified; status 401 without a valid key, 403 from an address the key refuses.</summary>
    public Task<(ApiKeyGrant? Grant, int Status)> AuthenticateAsync(HttpContext http) =>
        AuthenticateAsync(TokenOf(http.Request), http.Connection.RemoteIpAddress, http.RequestAborted);

    public Task<(ApiKeyGrant? Grant, int Status)> AuthenticateAsync(string? token, IPAddress? ip, CancellationToken cancellation)
    {
        var id = token is null ? null : ApiKeyToken.IdOf(token);
        return id is null ? Task.FromResult<(ApiKeyGrant?, int)>((null, 401)) : VerifyAsync(id, ApiKeyToken.Hash(token!), ip, cancellation);
    }

    /// <summary>Verifies a key known by its id and the hash of its token (what a console cookie keeps).</summary>
    public async Task<(ApiKeyGrant? Grant, int Status)> VerifyAsync(string id, byte[] hash, IPAddress? ip, CancellationToken cancellation)
    {
        var cacheKey = Convert.ToBase64String(hash);
        var now = time.GetUtcNow();
        ApiKeyGrant? grant;
        if (_cache.TryGetValue(cacheKey, out var cached) && now - cached.Verified < CacheLifetime)
        {
            grant = cached.Grant;
        }
        else
        {
            var key = grains.GetGrain<IApiKeyGrain>(id);
            grant = await SiloLoss.Retry.ExecuteAsync(async _ => await key.VerifyAsync(hash, ip?.ToString()), cancellation);
            if (grant is null)
            {
                _cache.TryRemove(cacheKey, out _);
                return (null, 401);
            }

            _cache[cacheKey] = (grant, now);
        }

        if (grant.Expires is { } expires && now >= expires)
        {
            return (null, 401);
        }

        return IpRules.Permits(ip, grant.IpAllowList, grant.IpDenyList) ? (grant, 200) : (null, 403);
    }

    /// <summary>Whether the request carries a key at all (as a bearer token or <c>x-api-key</c>).</summary>
    public static bool Carries(HttpRequest request) =>
        request.Headers.ContainsKey(HeaderNames.Authorization) || request.Headers.ContainsKey(ApiKeyHeader);

    /// <summary>
    /// The key as <c>Authorization: Bearer</c> (OpenAI's clients) or <c>x-api-key</c> (Anthropic's);
    /// when both are sent, the bearer key is the one checked.
    /// </summary>
    private static string? TokenOf(HttpRequest request)
    {
        var header = request.Headers[HeaderNames.Authorization].ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        return request.Headers[ApiKeyHeader].ToString() is { Length: > 0 } key ? key.Trim() : null;
    }
}
