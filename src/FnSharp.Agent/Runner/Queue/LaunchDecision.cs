using System.Globalization;

namespace FnSharp.Agent.Runner.Queue;

/// <summary>
/// What a slot queue's launch decision weighed when it started containers, for its Debug log line (event 2031): the
/// counts and estimates <see cref="LaunchPolicy"/> was given and the bound <see cref="ThroughputFeedback"/> set.
/// </summary>
/// <param name="Count">The containers started.</param>
/// <param name="Waiting">The calls waiting for a container.</param>
/// <param name="Busy">The containers running a call.</param>
/// <param name="Starting">The containers starting before these.</param>
/// <param name="CallMs">The fn's average call time, in ms (0 before one was measured).</param>
/// <param name="OldestMs">How long the oldest running call has run, in ms.</param>
/// <param name="StartMs">The expected start time, in ms.</param>
/// <param name="Cpu">The fn's CPU per call and the node's CPUs.</param>
/// <param name="NodeBusy">The busy share of the node's CPUs (0 to 1), <see langword="null"/> when unknown.</param>
/// <param name="Allowed">The throughput feedback's bound, <see langword="null"/> when it set none.</param>
internal sealed record LaunchDecision(int Count, int Waiting, int Busy, int Starting, double CallMs, double OldestMs, double StartMs, CpuView Cpu, double? NodeBusy, int? Allowed)
{
    /// <summary>Writes the decision to <paramref name="logger"/> for <paramref name="fnId"/>.</summary>
    public void Log(ILogger logger, string fnId) => RunnerLog.LaunchDecided(
        logger, Count, fnId, Waiting, Busy, Starting, CallMs, OldestMs, StartMs,
        Format(Cpu.CpuShare, "F2"), Format(Cpu.PeakShare, "F2"), Percent(NodeBusy),
        Allowed?.ToString(CultureInfo.InvariantCulture) ?? "any");

    /// <summary>A busy share (0 to 1) as a percentage for a log line ("73%"), or "unknown".</summary>
    public static string Percent(double? share) => share is { } busy ? (busy * 100).ToString("F0", CultureInfo.InvariantCulture) + "%" : "unknown";

    private static string Format(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "unknown";
}
