namespace Verge.Orleans.Grains.Identity;

/// <summary>The shared Data Protection key ring: each key's XML by its friendly name.</summary>
[GenerateSerializer, Alias("verge.DataProtectionKeysState")]
public sealed class DataProtectionKeysState
{
    [Id(0)] public List<KeyValuePair<string, string>> Elements { get; set; } = [];
}
