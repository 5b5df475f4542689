namespace FnSharp.Server.Detached;

/// <summary>Where a detached call is after an attempt.</summary>
internal enum DetachedSettlement
{
    /// <summary>Stored as ended (success, or an error that is not retried).</summary>
    Completed,

    /// <summary>Queued again for a retry.</summary>
    Retried,

    /// <summary>Stored as a dead letter.</summary>
    DeadLettered,

    /// <summary>Cut off by shutdown and queued again, its attempt not counted.</summary>
    GivenBack,

    /// <summary>Its outcome could not be stored: it is claimed again when its lease ends.</summary>
    LeftToLease,

    /// <summary>
    /// Its outcome was not stored because its lease had passed to another claim (the lease ran out
    /// before this node stored the end): the other attempt's outcome stands.
    /// </summary>
    LeaseLost,

    /// <summary>
    /// Nothing of it was stored because it is gone: its fn (or the fn's app) was deleted before its end, and its
    /// calls went with it (<c>docs/api.md</c>, "Deleting a fn or an app"). Neither a success nor a dead letter.
    /// </summary>
    Removed,
}
