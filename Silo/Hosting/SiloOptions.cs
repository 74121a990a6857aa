namespace Verge.Orleans.Silo.Hosting;

/// <summary>The <c>Verge:Silo</c> section: how this process joins the cluster.</summary>
public sealed class SiloOptions
{
    public const string Section = "Verge:Silo";

    /// <summary>Advertise <c>gpu=true</c>: GPU models' workers may be placed here.</summary>
    public bool Gpu { get; set; }

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;
}
