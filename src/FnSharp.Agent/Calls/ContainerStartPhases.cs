namespace FnSharp.Agent.Calls;

/// <summary>
/// The parts of a container's start, in ms: the driver's create (image check and the engine's create),
/// the engine's start of the process, and the wait until the FDK's socket was ready; before them, <c>pull</c>
/// when the create waited for its image to be pulled (then not part of <c>create</c>). Time spent waiting
/// for memory or for the container operations limit is in none of them. A container created ahead of demand
/// (<c>FN_PRECREATE_MAX</c>) has a <c>create</c> of 0: its create was off the call's path.
/// </summary>
/// <param name="CreateMs">Creating the container, in ms.</param>
/// <param name="StartMs">Starting its process, in ms.</param>
/// <param name="ReadyMs">From the process's start until <c>lsnr.sock</c> was ready, in ms.</param>
public sealed record ContainerStartPhases(double CreateMs, double StartMs, double ReadyMs)
{
    /// <summary>The names of the phases, in order, as records, metrics and spans spell them.</summary>
    public static readonly IReadOnlyList<string> Names = ["create", "start", "ready"];

    /// <summary>The name of the phase that is there only when the create waited for a pull.</summary>
    public const string PullName = "pull";

    /// <summary>How long the create waited for its image to be pulled, in ms; 0 when the node had the image.</summary>
    public double PullMs { get; init; }

    /// <summary>The whole start, in ms.</summary>
    public double TotalMs => PullMs + CreateMs + StartMs + ReadyMs;

    /// <summary>The phases in order as <c>name: ms</c>, rounded to whole ms: the record's <c>start_phases_ms</c> (<c>pull</c> first, only when there was one).</summary>
    public IReadOnlyDictionary<string, long> ToMilliseconds()
    {
        var phases = new Dictionary<string, long>(StringComparer.Ordinal);
        if (PullMs > 0)
        {
            phases[PullName] = (long)Math.Round(PullMs);
        }

        phases["create"] = (long)Math.Round(CreateMs);
        phases["start"] = (long)Math.Round(StartMs);
        phases["ready"] = (long)Math.Round(ReadyMs);
        return phases;
    }
}
