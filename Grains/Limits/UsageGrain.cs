using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Limits;

namespace Verge.Orleans.Grains.Limits;

internal sealed class UsageGrain(
    [PersistentState("usage", StorageNames.Verge)] IPersistentState<UsageState> state) : Grain, IUsageGrain
{
    private const int RememberedRequests = 4096;

    // A gateway retrying a call whose answer it lost sends the same request again; ids of this activation suffice.
    private readonly HashSet<string> _recorded = [];
    private readonly Queue<string> _recordedOrder = new();

    async Task IUsageGrain.RecordAsync(UsageRecord record)
    {
        if (!_recorded.Add(record.RequestId))
        {
            return;
        }

        _recordedOrder.Enqueue(record.RequestId);
        if (_recordedOrder.Count > RememberedRequests)
        {
            _recorded.Remove(_recordedOrder.Dequeue());
        }

        var rows = state.State.Rows;
        var index = rows.FindIndex(r => r.Key == record.Key && r.Assistant == record.Assistant);
        var row = index >= 0 ? rows[index] : new UsageRow { Key = record.Key, Assistant = record.Assistant };
        row = row with
        {
            Requests = row.Requests + 1,
            PromptTokens = row.PromptTokens + record.PromptTokens,
            CachedTokens = row.CachedTokens + record.CachedTokens,
            CompletionTokens = row.CompletionTokens + record.CompletionTokens,
        };
        if (index >= 0)
        {
            rows[index] = row;
        }
        else
        {
            rows.Add(row);
        }

        await state.WriteStateAsync();
    }

    Task<IReadOnlyList<UsageRow>> IUsageGrain.GetAsync() => Task.FromResult<IReadOnlyList<UsageRow>>([.. state.State.Rows]);
}
