namespace FnSharp.Agent.Runner.Queue;

/// <summary>
/// Decides when an idle container is paused (cgroup freezer): never on the call path of a fn that is being
/// called. Pausing frees no memory (a frozen container keeps its pages) and saves only the CPU an idle
/// container spends by itself, while the next call of a paused container waits for its unpause. Measured on
/// the 2-core test machine (docs/benchmarks.md, "Pausing"): an idle Node FDK container used 0.84 ms of CPU
/// per second, a NativeAOT C# one 0.09 ms; an unpause through the Engine API took 17-82 ms (median about
/// 33 ms) under load, a pause about as long. So a pause pays for itself only after tens of seconds of idle,
/// and a container whose fn is called every few hundred milliseconds must not be paused between calls, as
/// Fn's 50 ms did (100 warm fns called round-robin answered 34 req/s). A container is paused after
/// <c>FN_FREEZE_IDLE_MSECS</c>, or, while its fn is being called (its measured mean gap between calls is
/// under <see cref="CalledGapMs"/>), after <see cref="GapFactor"/> of those gaps if that is longer. Then it is
/// paused only once the CPU it used while idle reaches what a pause and its unpause cost the node
/// (<see cref="PauseCycleCpuMs"/>), the rent-or-buy rule: until then the pause would cost more than it saves
/// (<see cref="LookAgainAfter"/>). A NativeAOT C# container (0.09 ms per second idle) is so paused after about
/// 7 minutes of idle, a Node FDK one (0.84 ms per second) after about 43 s.
/// </summary>
internal static class PausePolicy
{
    /// <summary>
    /// How many of the fn's mean gaps between calls a container must stay idle before it is paused: a fn
    /// called at that pace is being called, and its next call should not wait for an unpause.
    /// </summary>
    public const double GapFactor = 4;

    /// <summary>The mean gap between calls, in ms, under which a fn counts as being called; a fn called more rarely is paused after <c>FN_FREEZE_IDLE_MSECS</c>.</summary>
    public const double CalledGapMs = 10_000;

    /// <summary>
    /// The CPU a pause and its unpause cost the node, in ms: runc (about 24 ms, the Engine API's
    /// <c>pause</c> and <c>unpause</c> each run it), containerd (about 4 ms) and dockerd (about 8 ms). Measured on
    /// the 2-core test machine on 2026-12-05 (30 cycles on a quiet engine); measured again under load, 13-26 ms
    /// (docs/benchmarks.md, "Pausing"). The higher figure is kept: it only makes an idle container wait longer.
    /// </summary>
    public const double PauseCycleCpuMs = 36;

    /// <summary>The shortest wait before an idle container's pause is weighed again.</summary>
    public static readonly TimeSpan MinLookAgain = TimeSpan.FromSeconds(1);

    /// <summary>The longest an idle container that spends almost no CPU waits before its pause is weighed again.</summary>
    public static readonly TimeSpan MaxLookAgain = TimeSpan.FromMinutes(10);

    /// <summary>When an idle container is first weighed for a pause, or <see langword="null"/> when never.</summary>
    /// <param name="freezeIdleMs"><c>FN_FREEZE_IDLE_MSECS</c>: negative never pauses.</param>
    /// <param name="callGapMs">The fn's moving average of the time between its calls' arrivals, in ms; <see langword="null"/> before two calls.</param>
    public static TimeSpan? PauseAfter(int freezeIdleMs, double? callGapMs)
    {
        if (freezeIdleMs < 0)
        {
            return null;
        }

        var ms = callGapMs is { } gap && gap < CalledGapMs ? Math.Max(freezeIdleMs, GapFactor * gap) : freezeIdleMs;
        return TimeSpan.FromMilliseconds(ms);
    }

    /// <summary>
    /// Whether an idle container is paused now, weighed when its pause is due: <see langword="null"/> pauses it;
    /// otherwise how long to wait before weighing it again. It is paused once the CPU it used since it turned idle
    /// is at least <paramref name="pauseCpuMs"/> (what the pause would save from then on is at least what it
    /// costs only if it stays idle as long again, so this spends at most twice the CPU of the best choice made in
    /// hindsight, as in the ski-rental problem), or when the driver cannot tell its CPU (as Fn's agent, which always pauses).
    /// Else it is weighed again when, at the rate it used so far, its idle CPU would reach that cost: not sooner
    /// than <see cref="MinLookAgain"/> and not later than <see cref="MaxLookAgain"/>.
    /// </summary>
    /// <param name="idleCpuMs">The CPU the container used since it turned idle, in ms; <see langword="null"/> when unknown.</param>
    /// <param name="idleFor">How long it has been idle.</param>
    /// <param name="pauseCpuMs">The idle CPU at which the pause pays, in ms (<c>FN_FREEZE_CPU_MSECS</c>, default <see cref="PauseCycleCpuMs"/>; 0 pauses at once).</param>
    public static TimeSpan? LookAgainAfter(double? idleCpuMs, TimeSpan idleFor, double pauseCpuMs)
    {
        if (idleCpuMs is not { } used || used >= pauseCpuMs)
        {
            return null;
        }

        if (used <= 0)
        {
            return MaxLookAgain;
        }

        var more = idleFor * (pauseCpuMs / used) - idleFor;
        return more < MinLookAgain ? MinLookAgain : more > MaxLookAgain ? MaxLookAgain : more;
    }
}
