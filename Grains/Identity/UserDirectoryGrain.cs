using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Identity;

namespace Verge.Orleans.Grains.Identity;

internal sealed class UserDirectoryGrain(
    [PersistentState("users", StorageNames.Verge)] IPersistentState<SortedSet<string>> users) : Grain, IUserDirectoryGrain
{
    async Task IUserDirectoryGrain.AddAsync(string user)
    {
        if (users.State.Add(user))
        {
            await users.WriteStateAsync();
        }
    }

    async Task IUserDirectoryGrain.RemoveAsync(string user)
    {
        if (users.State.Remove(user))
        {
            await users.WriteStateAsync();
        }
    }

    async Task<IReadOnlyList<UserSpec>> IUserDirectoryGrain.ListAsync()
    {
        var found = await Task.WhenAll(users.State.Select(u => GrainFactory.GetGrain<IUserGrain>(u).GetAsync()));
        return found.OfType<UserSpec>().ToArray();
    }
}
