namespace FnSharp.Agent.Runner.Queue;

/// <summary>What the launch policy knows of CPU when it decides for one fn.</summary>
/// <param name="CpuShare">
/// The fn's measured CPU time per call over its measured duration per call (1 = one core busy for the whole
/// call; more for a call that computes on several cores); <see langword="null"/> before it was measured.
/// </param>
/// <param name="NodeCpus">The node's CPUs, in cores (<c>FN_MAX_TOTAL_CPU_MCPUS</c> / 1000, or the host's).</param>
/// <param name="NodeBusy">The busy share of the node's CPUs lately, from 0 to 1; <see langword="null"/> when unknown.</param>
/// <param name="PeakShare">
/// The highest CPU share of one call of the fn lately (its CPU time over its duration), decaying by
/// <see cref="PeakDecay"/> at each call; <see langword="null"/> before it was measured. On busy CPUs every call
/// also waits for a CPU, which makes the average share of a fast fn look like a fn that waits; the call that waited
/// least shows it computes. A fn whose peak is low mostly waits (sleep, I/O).
/// </param>
/// <param name="FastestCallMs">
/// The shortest call of the fn lately, in ms, rising back (from 1 ms at least) by 1 / <see cref="PeakDecay"/> at each longer call;
/// <see langword="null"/> before it was measured. A call also spends the platform's own time (its request and
/// answer forwarded), which is most of a fast fn's call: only a fn whose fastest call is long waits on its own.
/// </param>
internal readonly record struct CpuView(double? CpuShare, double NodeCpus, double? NodeBusy, double? PeakShare = null, double? FastestCallMs = null)
{
    /// <summary>Nothing known: the policy decides from call and start times alone.</summary>
    public static readonly CpuView Unknown = new(null, 0, null);

    /// <summary>The factor by which <see cref="PeakShare"/> decays at each call that does not raise it (a half after about 35 calls).</summary>
    public const double PeakDecay = 0.98;
}
