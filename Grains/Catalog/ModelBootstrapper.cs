using Microsoft.Extensions.Logging;
using Verge.Orleans.Grains.Abstractions.Grains;

namespace Verge.Orleans.Grains.Catalog;

/// <summary>
/// When a silo becomes active, every registered model is woken so that models that should run start
/// their Min Workers without waiting for a first request (after a restart of the whole cluster too).
/// Every silo does it; waking a running model costs one call.
/// </summary>
public sealed class ModelBootstrapper(IGrainFactory grains, ILogger<ModelBootstrapper> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ModelBootstrapper), ServiceLifecycleStage.Active, cancellationToken =>
        {
            _ = Task.Run(() => WakeModelsAsync(cancellationToken), CancellationToken.None);
            return Task.CompletedTask;
        });

    private async Task WakeModelsAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= 10 && !cancellationToken.IsCancellationRequested; attempt++)
        {
            try
            {
                var models = await grains.GetGrain<ICatalogGrain>(0).ListModelsAsync();
                await Task.WhenAll(models.Select(m => grains.GetGrain<IModelGrain>(m.Name).GetStatusAsync()));
                return;
            }
            catch (Exception error)
            {
                logger.LogWarning("Waking the models failed (attempt {Attempt}): {Message}", attempt, error.Message);
                await Task.Delay(TimeSpan.FromSeconds(attempt), CancellationToken.None);
            }
        }
    }
}
