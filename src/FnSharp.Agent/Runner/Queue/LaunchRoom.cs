namespace FnSharp.Agent.Runner.Queue;

/// <summary>
/// What bounds the growth of a fn that mostly waits besides the node's CPUs (see <see cref="LaunchPolicy"/>): the
/// node's room for more starts now and the fn's memory.
/// </summary>
/// <param name="FreeStarts">
/// Starts the node's container operations limit (<c>FN_MAX_CONTAINER_OPS</c>) takes now without a wait: its width less
/// the node's start backlog (starts asked and not finished, the fn's own among them). A fn that grows to its demand
/// takes only these, so that another fn's first start never queues behind a backlog of its starts.
/// </param>
/// <param name="MemoryShort">Whether a start of the fn waits in the node's line for memory now: the fn grows no further until it got it.</param>
internal readonly record struct LaunchRoom(int FreeStarts, bool MemoryShort);
