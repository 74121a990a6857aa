using Verge.Orleans.Grains.Abstractions.Responses;

namespace Verge.Orleans.Grains.Abstractions.Grains;

/// <summary>
/// The stored responses of one user, keyed by <see cref="StoredResponseKeys.UserResponses"/>: every write
/// passes here, so expired responses can be swept and a deleted user's responses removed.
/// </summary>
[Alias("verge.IUserResponsesGrain")]
public interface IUserResponsesGrain : IGrainWithStringKey
{
    /// <summary>Stores a finished response, stamped with the time it was stored.</summary>
    [Alias("SaveAsync")]
    Task SaveAsync(StoredResponse response);

    /// <summary>Deletes one response; false when the user has no such (live) response.</summary>
    [Alias("DeleteAsync")]
    Task<bool> DeleteAsync(string responseId);

    /// <summary>Deletes every response of the user (the user is being deleted).</summary>
    [Alias("DeleteAllAsync")]
    Task DeleteAllAsync();
}
