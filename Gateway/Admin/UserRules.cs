using Verge.Orleans.Grains.Abstractions.Identity;

namespace Verge.Orleans.Gateway.Admin;

/// <summary>What makes a user's settings valid, and the user a valid request stores (the admin API and the console alike).</summary>
internal static class UserRules
{
    /// <summary>A new user's errors: a name, and what every user's settings need.</summary>
    public static Dictionary<string, string[]> ValidateNew(UserRequest body)
    {
        var errors = Validate(body);
        if (string.IsNullOrWhiteSpace(body.Name))
        {
            errors["name"] = ["A user needs a name."];
        }

        return errors;
    }

    public static Dictionary<string, string[]> Validate(UserRequest body)
    {
        var errors = new Dictionary<string, string[]>();
        if (body.Weight is not (>= 0.01 and <= 100))
        {
            errors["weight"] = ["A user's weight is from 0.01 to 100 (1 is everyone's default)."];
        }

        LimitsValidator.Validate(body.Limits, errors);
        return errors;
    }

    public static UserSpec ToSpec(UserRequest body, string name) => new()
    {
        Name = name, Type = body.Type, Admin = body.Admin, Enabled = body.Enabled, AllowedAssistants = body.AllowedAssistants, Weight = body.Weight,
        Limits = LimitsValidator.ToLimits(body.Limits),
    };
}
