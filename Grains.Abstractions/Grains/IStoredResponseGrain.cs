using Verge.Orleans.Grains.Abstractions.Responses;

namespace Verge.Orleans.Grains.Abstractions.Grains;

/// <summary>
/// One user's stored Responses API answer, keyed by <see cref="StoredResponseKeys.Response"/>: another
/// user naming the same id reaches a different (empty) grain. Reads come here directly; writes go through
/// the user's <see cref="IUserResponsesGrain"/>. It expires a chat-history lifetime after
/// <see cref="StoredResponse.Created"/>: an expired response reads as absent and is deleted from storage.
/// </summary>
[Alias("verge.IStoredResponseGrain")]
public interface IStoredResponseGrain : IGrainWithStringKey
{
    /// <summary>The stored response, or null when there is none or it has expired.</summary>
    [Alias("GetAsync")]
    Task<StoredResponse?> GetAsync();

    /// <summary>Stores the response (once: its id is new).</summary>
    [Alias("SaveAsync")]
    Task SaveAsync(StoredResponse response);

    /// <summary>Deletes the response; false when there was none.</summary>
    [Alias("DeleteAsync")]
    Task<bool> DeleteAsync();
}
