using Orleans.Configuration;

namespace Verge.Orleans.Hosting;

/// <summary>
/// How soon the cluster notices a silo that crashed (<c>kill -9</c>) or hung (<c>kill -STOP</c>), and how soon
/// the gateways act on it, each number with its reason (README, "Failure detection"; the gateway's side of a
/// move is <c>Verge:Migration</c>). The goal: a stream on a lost silo goes on elsewhere within 3 s of the loss.
/// </summary>
public static class FailureDetection
{
    /// <summary>
    /// Silos probe each other every second and declare a silo dead after two probes in a row go unanswered
    /// (each direct probe waits half of it): a crashed or hung silo is declared dead 1 to 2 s after it stopped.
    /// Shorter probes start declaring healthy silos dead on a busy machine (a GC pause, a starved core).
    /// </summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Missed probes in a row that make a silo suspect a peer and vote it dead.</summary>
    public const int NumMissedProbesLimit = 2;

    /// <summary>
    /// How long a grain call may go unanswered, on silos and gateways alike. A call in flight to a silo that
    /// died fails after it, so it is short; streams stay alive regardless (a silo answers a pending stream read
    /// at half this time at the latest, and workers send a heartbeat every quarter second), and calls that
    /// legitimately wait longer (loading a model) say so on their interface.
    /// </summary>
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(6);

    /// <summary>
    /// How often an Orleans client (a gateway, the front) reads the live gateways from the membership table:
    /// one small query. A hung silo keeps its connections open, so this is how a client stops sending calls
    /// through a hung gateway: within this period of its death being recorded (Orleans' default is a minute).
    /// Calls made meanwhile are hedged (<c>SiloLoss.Hedging</c>).
    /// </summary>
    public static readonly TimeSpan GatewayListRefreshPeriod = TimeSpan.FromMilliseconds(500);

    /// <summary>The silos' side: probing as above, and votes that a hung silo cannot suppress.</summary>
    public static void Tune(ClusterMembershipOptions membership)
    {
        membership.ProbeTimeout = ProbeTimeout;
        membership.NumMissedProbesLimit = NumMissedProbesLimit;
        membership.TableRefreshTimeout = TimeSpan.FromSeconds(5); // the table is read again after a death anyway
        membership.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
        // A hung process still accepts TCP connections, which this check takes for a sign of life: it would
        // suppress the votes against a hung silo for a minute (FACTS: 62 s).
        membership.EnableConnectionLivenessCheck = false;
    }
}
