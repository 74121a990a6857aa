using System.Net;

namespace Verge.Orleans.Gateway.Identity;

/// <summary>
/// A key's IP allow and deny lists (CIDR entries, or single addresses). An address in the allow list
/// may use the key even when the deny list also covers it; an address in the deny list only is
/// refused; when the allow list is not empty, addresses outside it are refused too.
/// </summary>
internal static class IpRules
{
    public static bool Permits(IPAddress? address, IReadOnlyList<string> allow, IReadOnlyList<string> deny)
    {
        if (allow.Count == 0 && deny.Count == 0)
        {
            return true;
        }

        if (address is null)
        {
            return false;
        }

        address = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        if (allow.Any(entry => Parse(entry).Contains(address)))
        {
            return true;
        }

        return allow.Count == 0 && !deny.Any(entry => Parse(entry).Contains(address));
    }

    /// <summary>Field errors for the two lists: unparsable entries, and ranges listed as both allowed and denied.</summary>
    public static Dictionary<string, string[]> Validate(IReadOnlyList<string> allow, IReadOnlyList<string> deny)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var (field, entries) in new[] { ("ipAllowList", allow), ("ipDenyList", deny) })
        {
            var bad = entries.Where(e => !TryParse(e, out _)).ToArray();
            if (bad.Length > 0)
            {
                errors[field] = [$"Not a CIDR entry: {string.Join(", ", bad)}."];
            }
        }

        if (errors.Count == 0)
        {
            var both = allow.Select(Parse).Intersect(deny.Select(Parse)).ToArray();
            if (both.Length > 0)
            {
                errors["ipDenyList"] = [$"These ranges are also in the allow list: {string.Join(", ", both)}."];
            }
        }

        return errors;
    }

    private static IPNetwork Parse(string entry) => TryParse(entry, out var network) ? network : throw new FormatException(entry);

    private static bool TryParse(string entry, out IPNetwork network)
    {
        if (IPNetwork.TryParse(entry, out network))
        {
            return true;
        }

        if (IPAddress.TryParse(entry, out var single))
        {
            network = new IPNetwork(single, single.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return false;
    }
}
