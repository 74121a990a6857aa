namespace Verge.Orleans.Grains.Abstractions;

/// <summary>The name of the activity source (traces) and meter (metrics) every Verge component reports under.</summary>
public static class VergeTelemetry
{
    public const string Name = "Verge.Orleans";
}
