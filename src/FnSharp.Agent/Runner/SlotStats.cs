namespace FnSharp.Agent.Runner;

/// <summary>A snapshot of one slot queue, for tests and diagnostics.</summary>
/// <param name="FnId">The fn.</param>
/// <param name="Idle">Hot containers waiting for a call.</param>
/// <param name="Busy">Containers running a call.</param>
/// <param name="Starting">Containers being started.</param>
/// <param name="Waiting">Calls waiting for a container.</param>
/// <param name="CallEstimateMs">Moving average of call durations, in ms, or <see langword="null"/> before the first call ended.</param>
/// <param name="StartEstimateMs">Moving average of start times, in ms, or <see langword="null"/> before the first start.</param>
public sealed record SlotStats(string FnId, int Idle, int Busy, int Starting, int Waiting, double? CallEstimateMs, double? StartEstimateMs)
{
    /// <summary>Idle containers that are paused now (counted in <see cref="Idle"/> too).</summary>
    public int Paused { get; init; }

    /// <summary>Its starts waiting in the node's line for memory (counted in <see cref="Starting"/> too).</summary>
    public int StartsWaitingForMemory { get; init; }

    /// <summary>The containers the throughput feedback holds the fn at now (its CPUs saturated, more did not serve more), if it does.</summary>
    public int? HeldAt { get; init; }
}
