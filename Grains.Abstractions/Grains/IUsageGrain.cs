using Verge.Orleans.Grains.Abstractions.Limits;

namespace Verge.Orleans.Grains.Abstractions.Grains;

/// <summary>One user's usage of one UTC day, by key and assistant. Keyed by <see cref="LimitKeys.UsageDay"/>.</summary>
[Alias("verge.IUsageGrain")]
public interface IUsageGrain : IGrainWithStringKey
{
    /// <summary>Adds a finished generation; a request id already recorded is ignored.</summary>
    [Alias("RecordAsync")]
    Task RecordAsync(UsageRecord record);

    /// <summary>The day's rows.</summary>
    [Alias("GetAsync")]
    Task<IReadOnlyList<UsageRow>> GetAsync();
}
