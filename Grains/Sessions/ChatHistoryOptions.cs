namespace Verge.Orleans.Grains.Sessions;

/// <summary>Chat history settings from the <c>Verge</c> section (VergeOS "AI Settings").</summary>
public sealed class ChatHistoryOptions
{
    public const string Section = "Verge";

    /// <summary>The DI key of the <see cref="TimeProvider"/> sessions age by (the system clock unless a test swaps it).</summary>
    public const string Clock = "verge.chat-history";

    /// <summary>Days a session is kept after its last turn (VergeOS "Chat History Lifetime").</summary>
    public int ChatHistoryLifetimeDays { get; set; } = 60;

    /// <summary>Most turns a session stores; the oldest are dropped beyond it.</summary>
    public int ChatHistoryMaxTurns { get; set; } = 100;

    /// <summary>Most sessions a user keeps; starting one more drops the one used least recently.</summary>
    public int ChatHistoryMaxSessions { get; set; } = 1000;

    public TimeSpan Lifetime => TimeSpan.FromDays(ChatHistoryLifetimeDays);
}
