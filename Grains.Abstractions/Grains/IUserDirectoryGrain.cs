using Verge.Orleans.Grains.Abstractions.Identity;

namespace Verge.Orleans.Grains.Abstractions.Grains;

/// <summary>The list of users (one per cluster, key 0).</summary>
[Alias("verge.IUserDirectoryGrain")]
public interface IUserDirectoryGrain : IGrainWithIntegerKey
{
    [Alias("AddAsync")]
    Task AddAsync(string user);

    [Alias("RemoveAsync")]
    Task RemoveAsync(string user);

    /// <summary>Every user, ordered by name.</summary>
    [Alias("ListAsync")]
    Task<IReadOnlyList<UserSpec>> ListAsync();
}
