using System.Text.Json.Serialization;

namespace Verge.Orleans.Grains.Abstractions.Catalog;

/// <summary>
/// An external OpenAI-compatible server that answers for an assistant instead of a local model (vLLM,
/// llama.cpp's server, another Verge cluster). Its API key is kept only encrypted, by the gateway.
/// </summary>
[GenerateSerializer, Immutable, Alias("verge.UpstreamSpec")]
public sealed record UpstreamSpec
{
    /// <summary>The upstream's base URL as OpenAI clients take it, with its <c>/v1</c> (<c>http://vllm:8000/v1</c>).</summary>
    [Id(0)] public required string BaseUrl { get; init; }

    /// <summary>The <c>model</c> the upstream knows; the client's (the assistant's name) is replaced by it.</summary>
    [Id(1)] public required string Model { get; init; }

    /// <summary>The upstream's API key, encrypted by the gateway; never sent to clients.</summary>
    [Id(2), JsonIgnore] public string? EncryptedApiKey { get; init; }

    /// <summary>What the admin API shows of the key: its first and last characters.</summary>
    [Id(3)] public string? ApiKeyHint { get; init; }

    /// <summary>How long the upstream may stay silent (connecting, before its answer, between chunks) before a 504.</summary>
    [Id(4)] public int TimeoutSeconds { get; init; } = 60;

    /// <summary>Write-only: the key in clear as an admin sends it. The gateway encrypts it and never stores or returns it.</summary>
    [field: NonSerialized]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ApiKey { get; init; }
}
