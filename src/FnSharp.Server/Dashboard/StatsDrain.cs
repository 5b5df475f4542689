namespace FnSharp.Server.Dashboard;

/// <summary>What one <see cref="StatsAccumulator"/> counted between two samples.</summary>
/// <param name="Calls">Calls ended.</param>
/// <param name="Errors">Calls that ended other than in success (errors, timeouts and 503 refusals).</param>
/// <param name="Execution">Their times in a container; <see langword="null"/> when none ran.</param>
/// <param name="Wait">Their waits for a container; <see langword="null"/> when none was given one.</param>
internal readonly record struct StatsDrain(long Calls, long Errors, SparseLatencies? Execution, SparseLatencies? Wait)
{
    /// <summary>Whether nothing was counted.</summary>
    public bool IsEmpty => Calls == 0 && Errors == 0 && Execution is null && Wait is null;
}
