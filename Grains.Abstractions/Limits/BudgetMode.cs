namespace Verge.Orleans.Grains.Abstractions.Limits;

/// <summary>What happens once a token budget is spent.</summary>
public enum BudgetMode
{
    /// <summary>Refuse with 429 <c>insufficient_quota</c> until the budget's period ends.</summary>
    Hard,

    /// <summary>Serve, with a warning header on every answer.</summary>
    Soft,
}
