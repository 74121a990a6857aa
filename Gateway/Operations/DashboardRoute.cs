namespace Verge.Orleans.Gateway.Operations;

/// <summary>Endpoint metadata: the route is the Orleans Dashboard's, so refusals are its HTML pages.</summary>
internal sealed class DashboardRoute
{
    public static readonly DashboardRoute Instance = new();

    private DashboardRoute()
    {
    }
}
