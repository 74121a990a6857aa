namespace Verge.Orleans.Grains.Abstractions.Grains;

/// <summary>The gateways alive now, from their heartbeats. Key 0; nothing is stored, heartbeats rebuild it.</summary>
[Alias("verge.IGatewayDirectoryGrain")]
public interface IGatewayDirectoryGrain : IGrainWithIntegerKey
{
    [Alias("HeartbeatAsync")]
    Task HeartbeatAsync(GatewayInfo gateway);

    /// <summary>Gateways heard from within the last 30 seconds.</summary>
    [Alias("ListAsync")]
    Task<IReadOnlyList<GatewayInfo>> ListAsync();
}
