using Microsoft.Extensions.Diagnostics.HealthChecks;
using Verge.Orleans.Grains.Abstractions.Grains;

namespace Verge.Orleans.Gateway.Operations;

/// <summary>Ready: the cluster answers (its catalog is reachable) and serves at least one assistant.</summary>
internal sealed class ClusterReadyCheck(IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        try
        {
            var assistants = await grains.GetGrain<ICatalogGrain>(0).ListAssistantsAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return assistants.Count > 0
                ? HealthCheckResult.Healthy($"{assistants.Count} assistants")
                : HealthCheckResult.Unhealthy("No assistant is configured.");
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The cluster does not answer.", error);
        }
    }
}
