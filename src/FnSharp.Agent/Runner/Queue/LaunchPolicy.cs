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
/// </summary>
internal static class LaunchPolicy
{
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
