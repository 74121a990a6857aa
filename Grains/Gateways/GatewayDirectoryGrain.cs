using Verge.Orleans.Grains.Abstractions.Grains;

namespace Verge.Orleans.Grains.Gateways;

internal sealed class GatewayDirectoryGrain(TimeProvider time) : Grain, IGatewayDirectoryGrain
{
    private static readonly TimeSpan Silence = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, GatewayInfo> _gateways = [];

    Task IGatewayDirectoryGrain.HeartbeatAsync(GatewayInfo gateway)
    {
        _gateways[gateway.Id] = gateway with { LastSeen = time.GetUtcNow() };
        return Task.CompletedTask;
    }

    Task<IReadOnlyList<GatewayInfo>> IGatewayDirectoryGrain.ListAsync()
    {
        var now = time.GetUtcNow();
        foreach (var silent in _gateways.Values.Where(g => now - g.LastSeen > Silence).ToList())
        {
            _gateways.Remove(silent.Id);
        }

        return Task.FromResult<IReadOnlyList<GatewayInfo>>([.. _gateways.Values.OrderBy(g => g.Started)]);
    }
}
