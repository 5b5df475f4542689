namespace FnSharp.Core.Storage;

/// <summary>
/// One claim of a detached call: the node that claimed it and when. A later claim of the same call
/// (after this one's lease ran out) has another node or another time, so a write that names this
/// lease is refused once the call has passed on, even to the same node.
/// </summary>
/// <param name="NodeName">The node holding the lease (<c>FN_NODE_NAME</c>).</param>
/// <param name="ClaimedAt">When the claim was made, in whole milliseconds (the call's <see cref="Models.Call.StartedAt"/> as the claim stored it).</param>
public sealed record CallLease(string NodeName, DateTimeOffset ClaimedAt);
