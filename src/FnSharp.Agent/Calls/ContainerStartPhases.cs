namespace FnSharp.Agent.Calls;

/// <summary>
/// The parts of a container's start, in ms: the driver's create (image check and the engine's create),
/// the engine's start of the process, and the wait until the FDK's socket was ready. Time spent waiting
/// for memory or for the container operations limit is in none of them.
/// </summary>
/// <param name="CreateMs">Creating the container, in ms.</param>
/// <param name="StartMs">Starting its process, in ms.</param>
/// <param name="ReadyMs">From the process's start until <c>lsnr.sock</c> was ready, in ms.</param>
public sealed record ContainerStartPhases(double CreateMs, double StartMs, double ReadyMs)
{
    /// <summary>The names of the phases, in order, as records, metrics and spans spell them.</summary>
    public static readonly IReadOnlyList<string> Names = ["create", "start", "ready"];

    /// <summary>The whole start, in ms.</summary>
    public double TotalMs => CreateMs + StartMs + ReadyMs;

    /// <summary>The phases in order as <c>name: ms</c>, rounded to whole ms: the record's <c>start_phases_ms</c>.</summary>
    public IReadOnlyDictionary<string, long> ToMilliseconds() => new Dictionary<string, long>(StringComparer.Ordinal)
    {
        ["create"] = (long)Math.Round(CreateMs),
        ["start"] = (long)Math.Round(StartMs),
        ["ready"] = (long)Math.Round(ReadyMs),
    };
}
