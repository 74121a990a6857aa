using Verge.Orleans.Gateway.Identity;
using Verge.Orleans.Grains.Abstractions.Identity;

namespace Verge.Orleans.Gateway.Admin;

/// <summary>What makes a key's settings valid, and the settings a valid request stores (the admin API and the console alike).</summary>
internal static class KeyRules
{
    public static Dictionary<string, string[]> Validate(KeyRequest body)
    {
        var errors = IpRules.Validate(body.IpAllowList ?? [], body.IpDenyList ?? []);
        LimitsValidator.Validate(body.Limits, errors);
        if (string.IsNullOrWhiteSpace(body.Name))
        {
            errors["name"] = ["A key needs a name."];
        }

        if (body.ExpirationType == ExpirationType.SetDate && body.Expires is null)
        {
            errors["expires"] = ["'Set Date' keys need an expiry date."];
        }

        return errors;
    }

    public static ApiKeySettings ToSettings(KeyRequest body) => new()
    {
        Name = body.Name!,
        Description = body.Description,
        ExpirationType = body.ExpirationType,
        Expires = body.ExpirationType == ExpirationType.SetDate ? body.Expires : null,
        IpAllowList = body.IpAllowList ?? [],
        IpDenyList = body.IpDenyList ?? [],
        AllowedAssistants = body.AllowedAssistants,
        Limits = LimitsValidator.ToLimits(body.Limits),
    };
}
