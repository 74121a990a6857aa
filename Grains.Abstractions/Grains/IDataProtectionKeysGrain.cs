namespace Verge.Orleans.Grains.Abstractions.Grains;

/// <summary>
/// The ASP.NET Data Protection key ring every gateway shares (so a console cookie one gateway issued
/// opens on all of them, across restarts). Key 0; each element is one key's XML, stored durably.
/// </summary>
[Alias("verge.IDataProtectionKeysGrain")]
public interface IDataProtectionKeysGrain : IGrainWithIntegerKey
{
    /// <summary>Every stored key element, in the order stored.</summary>
    [Alias("ListAsync")]
    Task<IReadOnlyList<string>> ListAsync();

    /// <summary>Stores one key element under its friendly name (a name stored before is replaced).</summary>
    [Alias("StoreAsync")]
    Task StoreAsync(string name, string xml);
}
