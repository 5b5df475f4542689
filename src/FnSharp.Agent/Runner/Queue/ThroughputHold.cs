namespace FnSharp.Agent.Runner.Queue;

/// <summary>A decision of <see cref="ThroughputFeedback"/> to hold a fn, with the rates it compared (for its log line).</summary>
/// <param name="Containers">The fn's containers when it was measured.</param>
/// <param name="Rate">Their completed calls per second.</param>
/// <param name="HeldAt">The containers the fn is held at: those it had before its last growth.</param>
/// <param name="HeldRate">Their completed calls per second.</param>
/// <param name="NodeBusy">The busy share of the node's CPUs then (0 to 1), <see langword="null"/> when unknown: the hold does not depend on it.</param>
/// <param name="For">How long the fn is held (<see cref="ThroughputFeedback.Hold"/>, doubled for each hold in a row).</param>
internal sealed record ThroughputHold(int Containers, double Rate, int HeldAt, double HeldRate, double? NodeBusy, TimeSpan For);
