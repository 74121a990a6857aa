using System.Collections.Concurrent;
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

    public async Task<(ApiKeyGrant? Grant, int Status)> AuthenticateAsync(HttpContext http)
    {
        var token = TokenOf(http.Request);
        var id = token is null ? null : ApiKeyToken.IdOf(token);
        if (id is null)
        {
            return (null, 401);
        }

        var hash = ApiKeyToken.Hash(token!);
        var cacheKey = Convert.ToBase64String(hash);
        var now = time.GetUtcNow();
        var ip = http.Connection.RemoteIpAddress;
        ApiKeyGrant? grant;
        if (_cache.TryGetValue(cacheKey, out var cached) && now - cached.Verified < CacheLifetime)
        {
            grant = cached.Grant;
        }
        else
        {
            var key = grains.GetGrain<IApiKeyGrain>(id);
            grant = await SiloLoss.Retry.ExecuteAsync(async _ => await key.VerifyAsync(hash, ip?.ToString()), http.RequestAborted);
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
