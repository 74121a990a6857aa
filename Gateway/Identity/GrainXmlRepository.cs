using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Verge.Orleans.Grains.Abstractions.Grains;

namespace Verge.Orleans.Gateway.Identity;

/// <summary>
/// Data Protection's key ring kept in the cluster's storage through <see cref="IDataProtectionKeysGrain"/>.
/// Data Protection reads it rarely (at the first use, then about once a day) and synchronously.
/// </summary>
internal sealed class GrainXmlRepository(IGrainFactory grains) : IXmlRepository
{
    private IDataProtectionKeysGrain Keys => grains.GetGrain<IDataProtectionKeysGrain>(0);

    public IReadOnlyCollection<XElement> GetAllElements() =>
        [.. Task.Run(() => Keys.ListAsync()).GetAwaiter().GetResult().Select(XElement.Parse)];

    public void StoreElement(XElement element, string friendlyName) =>
        Task.Run(() => Keys.StoreAsync(friendlyName, element.ToString(SaveOptions.DisableFormatting))).GetAwaiter().GetResult();
}
