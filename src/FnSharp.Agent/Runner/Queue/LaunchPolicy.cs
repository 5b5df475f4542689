namespace FnSharp.Agent.Runner.Queue;

/// <summary>
/// Decides how many containers a slot queue starts now: a pure function of its counts and its
/// measured call and start times. The first call of a fn starts exactly one container and the others
/// wait for it. Later a new container starts only for the waiting calls that the busy containers
/// cannot serve within the time a new container takes to start, and only beyond the containers
/// already starting. Growth is capped so that containers starting never outnumber busy ones: a slow
/// fn doubles its containers per start time until they meet the demand (1, 2, 4, 8, ...), and one
/// outlier call (a cold first call, say) starts one more container rather than a herd. Fn's agent
/// instead started one container per 200 ms tick while calls waited.
/// <para>
/// It also knows the node's CPU (<see cref="CpuView"/>). A fn whose calls compute (their measured CPU time
/// is at least <see cref="CpuBoundShare"/> of their duration, on average or in its least delayed call lately,
/// <see cref="CpuView.PeakShare"/>) gains nothing from another container when the
/// CPUs are saturated (at least <see cref="SaturatedBusy"/> busy), or when its running containers alone
/// would fill the node's CPUs: each new container would only slow the others (64 connections on a fast
/// Node fn fell from 3,338 req/s on 1 container to 1,005 req/s on 12). Its calls queue instead, within the
/// wait bounds.
/// </para>
/// <para>
/// A fn whose calls mostly wait (sleep, I/O: each call's measured CPU time under <see cref="CpuBoundShare"/> of
/// its duration lately, <see cref="CpuView.PeakShare"/>, and its fastest call at least <see cref="WaitingCallMs"/>,
/// <see cref="MostlyWaits"/>) grows to its demand instead, whatever the start time: each of its calls gets a container, started
/// now or already starting, saturated CPUs or not, as long as its containers together stay within the node's
/// CPUs at its share, the starts fit in the node's container operations without a wait
/// (<see cref="LaunchRoom.FreeStarts"/>, so that other fns' starts do not queue behind its growth) and none of its
/// starts waits for memory (<see cref="LaunchRoom.MemoryShort"/>). Waiting calls are what a container serves
/// there, not what the CPUs do: a fn that sleeps 200 ms at 64 connections stopped at 3 or 4 containers (16 req/s)
/// under the start-time rule when a start took 4 s. Each start that ends, and each call, asks again, so the fn
/// grows at the node's start rate. Its fn's concurrency cap and the throughput feedback (which holds a fn whose
/// growth served no more calls) bound it after. A fn whose average share is low but whose least delayed calls
/// compute counts as computing: on busy CPUs a fast fn's calls wait for a CPU and look like waiting. One whose calls
/// barely compute but whose fastest call is short (a fast fn, whose call time is mostly the platform's forwarding) keeps
/// the start-time rule.
/// </para>
/// </summary>
internal static class LaunchPolicy
{
    /// <summary>The share of a call's duration spent on CPU from which a fn counts as CPU-bound.</summary>
    public const double CpuBoundShare = 0.25;

    /// <summary>The shortest call time lately, in ms, from which a fn whose calls barely use the CPU counts as waiting on its own (sleep, I/O).</summary>
    public const double WaitingCallMs = 50;

    /// <summary>The busy share of the node's CPUs from which they count as saturated.</summary>
    public const double SaturatedBusy = 0.9;

    /// <summary>How many containers to start now, minding the node's CPU and room (see <see cref="LaunchPolicy"/>).</summary>
    /// <param name="waiting">Calls waiting for a container.</param>
    /// <param name="starting">Containers being started for them.</param>
    /// <param name="busy">Containers running a call.</param>
    /// <param name="callEstimateMs">Expected duration of a call, in ms (see the other overload).</param>
    /// <param name="startEstimateMs">Expected start time of a container, in ms (moving average).</param>
    /// <param name="cpu">The fn's CPU per call and the node's CPUs.</param>
    /// <param name="room">The node's room for more starts and whether the fn's memory is short, for a fn that mostly waits.</param>
    public static int ContainersToStart(int waiting, int starting, int busy, double callEstimateMs, double startEstimateMs, CpuView cpu, LaunchRoom room)
    {
        var count = ContainersToStart(waiting, starting, busy, callEstimateMs, startEstimateMs);
        if (cpu.CpuShare is not { } share)
        {
            return count;
        }

        if (MostlyWaits(cpu))
        {
            return Math.Max(count, ToDemand(waiting, starting, busy, cpu.PeakShare!.Value, cpu.NodeCpus, room));
        }

        // On busy CPUs a fast fn's calls also wait for a CPU, which lowers its average share; the call that waited least
        // (the peak) shows that it computes. Measured: a fast C# fn at 64 connections, 0.16-0.22 on average, 0.36-0.67 at its
        // peak, grew to 4 or 5 containers on CPUs 93-98% busy, and each start stalled a quiet fn's calls.
        var computeShare = Math.Max(share, cpu.PeakShare ?? 0);
        if (count == 0 || busy == 0 || computeShare < CpuBoundShare)
        {
            return count;
        }

        if (cpu.NodeBusy >= SaturatedBusy)
        {
            return 0;
        }

        // Containers that the node's CPUs can keep running at the fn's share each.
        var useful = Math.Max(1, (int)Math.Floor(cpu.NodeCpus / computeShare));
        return Math.Min(count, Math.Max(0, useful - busy - starting));
    }

    /// <summary>
    /// Whether the fn mostly waits on its own (sleep, I/O): each of its calls lately spent under <see cref="CpuBoundShare"/>
    /// of its time on the CPU, and even its fastest call took at least <see cref="WaitingCallMs"/>.
    /// </summary>
    public static bool MostlyWaits(CpuView cpu) => cpu.PeakShare < CpuBoundShare && cpu.FastestCallMs >= WaitingCallMs;

    /// <summary>
    /// For a fn that mostly waits: a container for each waiting call that none starts for yet, within the starts the
    /// node takes now and the containers its CPUs run at the fn's <paramref name="share"/>; none while its memory is short.
    /// </summary>
    private static int ToDemand(int waiting, int starting, int busy, double share, double nodeCpus, LaunchRoom room)
    {
        var uncovered = waiting - starting;
        if (uncovered <= 0 || room.MemoryShort)
        {
            return 0;
        }

        var count = Math.Min(uncovered, room.FreeStarts);
        if (share > 0 && nodeCpus > 0)
        {
            var useful = Math.Floor(nodeCpus / share);
            count = (int)Math.Min(count, Math.Max(0, useful - busy - starting));
        }

        return Math.Max(0, count);
    }

    /// <summary>How many containers to start now.</summary>
    /// <param name="waiting">Calls waiting for a container.</param>
    /// <param name="starting">Containers being started for them.</param>
    /// <param name="busy">Containers running a call.</param>
    /// <param name="callEstimateMs">Expected duration of a call, in ms: the larger of the moving average and the age of the oldest running call (0 when unknown).</param>
    /// <param name="startEstimateMs">Expected start time of a container, in ms (moving average).</param>
    public static int ContainersToStart(int waiting, int starting, int busy, double callEstimateMs, double startEstimateMs)
    {
        var uncovered = waiting - starting;
        if (uncovered <= 0)
        {
            return 0;
        }

        if (busy + starting == 0)
        {
            return 1;
        }

        if (busy == 0 || callEstimateMs <= 0)
        {
            // The first container is still starting, or nothing says the busy ones are slow yet.
            return 0;
        }

        // Calls each busy container finishes in the time a new container takes to start.
        var perContainer = Math.Floor(Math.Max(startEstimateMs, 0) / callEstimateMs);
        var served = Math.Min(busy * perContainer, int.MaxValue);
        var needed = Math.Max(0, uncovered - (int)served);
        return Math.Min(needed, Math.Max(0, busy - starting));
    }
}
