namespace Verge.Orleans.Grains.Limits;

/// <summary>
/// A limiter's durable part: tokens spent in the current UTC day and month. Rate windows and running
/// requests live in memory (they last a minute or a request).
/// </summary>
[GenerateSerializer, Alias("verge.LimiterState")]
public sealed class LimiterState
{
    [Id(0)] public DateOnly Day { get; set; }

    [Id(1)] public long DayTokens { get; set; }

    /// <summary>The first day of the month counted.</summary>
    [Id(2)] public DateOnly Month { get; set; }

    [Id(3)] public long MonthTokens { get; set; }
}
