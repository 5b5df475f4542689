namespace FnSharp.Agent.Runner.Queue;

/// <summary>A decision of <see cref="ThroughputFeedback"/> to hold a fn, with the rates it compared (for its log line).</summary>
/// <param name="Containers">The fn's containers when it was measured.</param>
/// <param name="Rate">Their completed calls per second.</param>
/// <param name="Before">The containers it had before its last growth.</param>
/// <param name="BeforeRate">Their completed calls per second.</param>
/// <param name="HeldAt">
/// The containers the fn is held at: <paramref name="Before"/> when the growth served no more calls, or
/// <paramref name="Containers"/> when it served a few more (at least <see cref="ThroughputFeedback.MinGain"/>), too few to grow further.
/// </param>
/// <param name="NodeBusy">The busy share of the node's CPUs then (0 to 1), <see langword="null"/> when unknown: the hold does not depend on it.</param>
/// <param name="For">How long the fn is held (<see cref="ThroughputFeedback.Hold"/>, doubled for each hold in a row).</param>
internal sealed record ThroughputHold(int Containers, double Rate, int Before, double BeforeRate, int HeldAt, double? NodeBusy, TimeSpan For);
