namespace Verge.Orleans.Grains.Abstractions.Identity;

/// <summary>VergeOS' key "Expiration Type".</summary>
public enum ExpirationType
{
    Never,
    SetDate,
}
