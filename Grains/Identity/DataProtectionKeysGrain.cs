using Verge.Orleans.Grains.Abstractions.Grains;

namespace Verge.Orleans.Grains.Identity;

internal sealed class DataProtectionKeysGrain(
    [PersistentState("data-protection-keys", StorageNames.Verge)] IPersistentState<DataProtectionKeysState> state) : Grain, IDataProtectionKeysGrain
{
    Task<IReadOnlyList<string>> IDataProtectionKeysGrain.ListAsync() =>
        Task.FromResult<IReadOnlyList<string>>([.. state.State.Elements.Select(e => e.Value)]);

    async Task IDataProtectionKeysGrain.StoreAsync(string name, string xml)
    {
        state.State.Elements.RemoveAll(e => e.Key == name);
        state.State.Elements.Add(new(name, xml));
        await state.WriteStateAsync();
    }
}
