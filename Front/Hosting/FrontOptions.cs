namespace Verge.Orleans.Front.Hosting;

/// <summary>The <c>Verge:Front</c> section: how the front finds, checks and retries the gateways behind it.</summary>
public sealed class FrontOptions
{
    public const string Section = "Verge:Front";

    /// <summary>How often the cluster's gateway directory is read for gateways that joined or left.</summary>
    public TimeSpan DiscoveryPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often each gateway's <c>/health/ready</c> is probed; two failed probes in a row take it out.</summary>
    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a gateway that failed a request stays out before it is tried again.</summary>
    public TimeSpan ReactivationPeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Request bodies up to this size are buffered so that a request a gateway failed before answering can be
    /// replayed on another one; larger (or chunked) bodies are streamed through and never replayed.
    /// </summary>
    public long MaxReplayBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// JSON answers up to this size are held until whole before the client gets any of them, so that one a gateway
    /// dies while writing is replayed on another; longer ones go on as a stream once this much is held.
    /// </summary>
    public long MaxWholeAnswerBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>The largest <see cref="MaxWholeAnswerBytes"/> (what one buffer in memory can hold, with room to spare).</summary>
    public const long MaxWholeAnswerLimit = 1L << 30;

    /// <summary>How long a gateway may stay silent mid-request (a long non-streamed answer) before the front gives up.</summary>
    public TimeSpan ActivityTimeout { get; set; } = TimeSpan.FromMinutes(10);
}
