using Verge.Orleans.Grains.Abstractions.Identity;

namespace Verge.Orleans.Grains.Identity;

/// <summary>A key as stored: metadata and the SHA-256 of the token, never the token.</summary>
[GenerateSerializer, Alias("verge.ApiKeyState")]
public sealed class ApiKeyState
{
    [Id(0)] public ApiKeyInfo? Key { get; set; }

    [Id(1)] public byte[] TokenHash { get; set; } = [];

    [Id(2)] public bool Revoked { get; set; }
}
