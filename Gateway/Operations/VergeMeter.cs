using System.Diagnostics.Metrics;
using Verge.Orleans.Grains.Abstractions;

namespace Verge.Orleans.Gateway.Operations;

/// <summary>
/// The gateway's one meter, shared by the process. Metric listeners match meters by name: a meter per host
/// (two gateway hosts in one process, as in the tests) would make the second host's instruments duplicates
/// that listeners drop, and its figures would be lost. One meter caches one instrument per name instead.
/// </summary>
internal static class VergeMeter
{
    public static readonly Meter Instance = new(VergeTelemetry.Name);
}
