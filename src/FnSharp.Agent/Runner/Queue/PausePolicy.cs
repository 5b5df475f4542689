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
/// under <see cref="CalledGapMs"/>), after <see cref="GapFactor"/> of those gaps if that is longer.
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

    /// <summary>When an idle container is paused, or <see langword="null"/> when never.</summary>
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
}
