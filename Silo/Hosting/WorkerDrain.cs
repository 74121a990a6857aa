using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Verge.Orleans.Grains.Inference;

namespace Verge.Orleans.Silo.Hosting;

/// <summary>
/// Graceful stop (SIGTERM): before the silo hands its grains over, its workers refuse new requests
/// (gateways retry them on the next activation) and let the running ones finish, up to the drain timeout.
/// </summary>
internal sealed class WorkerDrain(InferenceService inference, IOptions<SiloOptions> options, ILogger<WorkerDrain> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(WorkerDrain), ServiceLifecycleStage.Active, _ => Task.CompletedTask, DrainAsync);

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("Silo stopping: draining model workers (at most {Timeout})", options.Value.DrainTimeout);
        try
        {
            await inference.DrainAsync(options.Value.DrainTimeout, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("Drain cut short by the host's shutdown timeout");
        }
    }
}
