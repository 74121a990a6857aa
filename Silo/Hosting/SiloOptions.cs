namespace Verge.Orleans.Silo.Hosting;

/// <summary>The <c>Verge:Silo</c> section: how this process joins the cluster.</summary>
public sealed class SiloOptions
{
    public const string Section = "Verge:Silo";

    /// <summary>Advertise <c>gpu=true</c>: GPU models' workers may be placed here.</summary>
    public bool Gpu { get; set; }

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The address other silos and gateways reach this one at (cluster mode): an IP, or <c>auto</c> for
    /// this host name's address (containers). Loopback by default.
    /// </summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>On SIGTERM, how long running requests may take to finish before the silo hands its grains over.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(20);
}
