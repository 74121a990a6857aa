namespace Verge.Orleans.Grains.Abstractions.Identity;

/// <summary>VergeOS user types: people, and service accounts for API use.</summary>
public enum UserType
{
    Normal,
    Api,
}
