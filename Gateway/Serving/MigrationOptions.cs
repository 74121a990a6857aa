namespace Verge.Orleans.Gateway.Serving;

/// <summary>How a generation whose worker is lost goes on elsewhere (<c>Verge:Migration</c>).</summary>
internal sealed class MigrationOptions
{
    public const string Section = "Verge:Migration";

    /// <summary>How many times one request may move to another worker; 0 turns migration off.</summary>
    public int MaxMoves { get; set; } = 3;

    /// <summary>
    /// A worker's stream silent this long is lost: workers send a heartbeat every quarter second while they
    /// have nothing else to say, so only a dead or hung silo (or a cut link) stays silent.
    /// </summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(1.5);
}
