using Verge.Orleans.Grains.Abstractions.Catalog;

namespace Verge.Orleans.Gateway.Upstreams;

/// <summary>The admin API's side of upstream assistants: checks the fields, and seals the key before the catalog sees it.</summary>
internal static class UpstreamKeys
{
    /// <summary>
    /// The assistant as it is stored: a key sent in clear is encrypted (an empty one removes it); without one,
    /// an edit keeps the key <paramref name="existing"/> had.
    /// </summary>
    public static AssistantSpec Seal(AssistantSpec assistant, AssistantSpec? existing, UpstreamKeyProtector keys)
    {
        if (assistant.Upstream is not { } upstream)
        {
            return assistant;
        }

        var sealedUpstream = upstream.ApiKey switch
        {
            null => upstream with { EncryptedApiKey = existing?.Upstream?.EncryptedApiKey, ApiKeyHint = existing?.Upstream?.ApiKeyHint },
            "" => upstream with { ApiKey = null, EncryptedApiKey = null, ApiKeyHint = null },
            var clear => upstream with { ApiKey = null, EncryptedApiKey = keys.Protect(assistant.Name, clear), ApiKeyHint = UpstreamKeyProtector.Hint(clear) },
        };
        return assistant with { Upstream = sealedUpstream };
    }

    public static void Validate(UpstreamSpec? upstream, Action<string, string> error)
    {
        if (upstream is null)
        {
            return;
        }

        if (!Uri.TryCreate(upstream.BaseUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            error("upstream.baseUrl", "The upstream's base URL must be an absolute http(s) address, with its /v1 (http://vllm:8000/v1).");
        }

        if (string.IsNullOrWhiteSpace(upstream.Model))
        {
            error("upstream.model", "An upstream needs the model name it knows.");
        }

        if (upstream.TimeoutSeconds is < 1 or > 3600)
        {
            error("upstream.timeoutSeconds", "The upstream's timeout must be between 1 and 3600 seconds.");
        }
    }
}
