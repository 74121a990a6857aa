using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Identity;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.Identity;

/// <summary>
/// On a fresh install (no admin user), creates the user <c>admin</c> and one key, printed once to the
/// console, or taken from <c>Verge:BootstrapAdminKey</c>. Keys never go to the logs. A cluster that is still
/// forming (silos joining, grains placed on a silo that is starting) is waited for, not a reason to exit.
/// </summary>
internal sealed class AdminBootstrapper(IGrainFactory grains, IConfiguration configuration, ILogger<AdminBootstrapper> logger) : IHostedService
{
    public const string AdminUser = "admin";

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(2);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var giveUp = DateTime.UtcNow + GiveUpAfter;
        while (true)
        {
            try
            {
                await BootstrapAsync().WaitAsync(cancellationToken);
                return;
            }
            catch (Exception error) when ((error is TimeoutException or OrleansException) && DateTime.UtcNow < giveUp)
            {
                logger.LogWarning("The cluster did not answer yet ({Message}); trying again", error.Message);
                await Task.Delay(RetryDelay, cancellationToken);
            }
        }
    }

    private async Task BootstrapAsync()
    {
        var users = await grains.GetGrain<IUserDirectoryGrain>(0).ListAsync();
        if (users.Any(u => u.Admin))
        {
            return;
        }

        // Empty counts as unset: docker compose passes an unset variable as "".
        var configured = configuration["Verge:BootstrapAdminKey"] is { Length: > 0 } given ? given : null;
        if (configured is not null && ApiKeyToken.IdOf(configured) is null)
        {
            throw new InvalidOperationException(
                "Verge:BootstrapAdminKey must be a key of the form vk_<16 hex digits>_<43 base64url characters>; leave it unset to have one generated.");
        }

        try
        {
            await CreateAdminAsync(configured);
        }
        catch (ServingException conflict) when (conflict.Status == 409)
        {
            // Gateways starting together on a fresh install: another one made the admin user (or its key) first.
            logger.LogInformation("The admin user was created by another gateway");
        }
    }

    private async Task CreateAdminAsync(string? configured)
    {
        var admin = grains.GetGrain<IUserGrain>(AdminUser);
        if (await admin.GetAsync() is null)
        {
            await admin.CreateAsync(new UserSpec { Name = AdminUser, Admin = true });
        }
        else
        {
            await admin.UpdateAsync((await admin.GetAsync())! with { Admin = true, Enabled = true });
        }

        var key = await admin.CreateKeyAsync(new ApiKeySettings { Name = "bootstrap", Description = "Created at first start" }, configured);
        logger.LogInformation("Created the admin user {User} and its first key {KeyId}", AdminUser, key.Key.Id);
        if (configured is null)
        {
            Console.WriteLine($"Admin API key (shown once, store it now): {key.Token}");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
