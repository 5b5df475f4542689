namespace FnSharp.Core.Storage;

/// <summary>What became of a write that needs the lease of a running detached call (its end, or its return to the queue).</summary>
public enum LeasedWrite
{
    /// <summary>The node still held the lease: the write is stored.</summary>
    Stored,

    /// <summary>
    /// The lease had passed on (it ran out and another claim took the call, which may have ended it, or
    /// the node's restart gave it back): nothing is stored, the other attempt's outcome stands.
    /// </summary>
    LeaseLost,

    /// <summary>The call is gone, removed with its fn or app: nothing is left to write.</summary>
    CallRemoved,
}
