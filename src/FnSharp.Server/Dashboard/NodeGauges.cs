using FnSharp.Agent.Runner;

namespace FnSharp.Server.Dashboard;

/// <summary>The runner's state at one moment, as the live statistics read it each second.</summary>
/// <param name="Slots">Every slot queue (<see cref="RunnerAgent.Stats"/>): a fn's containers by state and its waiting calls.</param>
/// <param name="ReservedMiB">Memory reserved by containers now, in MiB (<see cref="RunnerAgent.ReservedMemoryMiB"/>).</param>
/// <param name="TotalMiB">Memory containers may reserve in total, in MiB (<see cref="RunnerAgent.TotalMemoryMiB"/>).</param>
internal sealed record NodeGauges(IReadOnlyList<SlotStats> Slots, long ReservedMiB, long TotalMiB);
