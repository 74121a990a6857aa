using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Verge.Orleans.Grains.Sessions;

namespace Verge.Orleans.Silo.Hosting;

public static class ChatSessionExtensions
{
    /// <summary>Chat history settings, checked at start, and the clock sessions age by.</summary>
    public static ISiloBuilder AddVergeChatSessions(this ISiloBuilder silo)
    {
        silo.Services.AddOptions<ChatHistoryOptions>()
            .BindConfiguration(ChatHistoryOptions.Section)
            .Validate(o => o.ChatHistoryLifetimeDays >= 1, $"{ChatHistoryOptions.Section}:ChatHistoryLifetimeDays must be at least 1 (days).")
            .Validate(o => o.ChatHistoryMaxTurns >= 1, $"{ChatHistoryOptions.Section}:ChatHistoryMaxTurns must be at least 1.")
            .Validate(o => o.ChatHistoryMaxSessions >= 1, $"{ChatHistoryOptions.Section}:ChatHistoryMaxSessions must be at least 1.")
            .ValidateOnStart();
        silo.Services.TryAddKeyedSingleton<TimeProvider>(ChatHistoryOptions.Clock, (services, _) => services.GetRequiredService<TimeProvider>());
        return silo;
    }
}
