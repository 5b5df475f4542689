namespace FnSharp.Agent.Runner;

/// <summary>
/// The limit that refused a call with 503 too busy. Its label (<c>wait_time</c>, <c>fn_queue</c>, ...: the
/// name in snake case) tags the refusal count and is the <c>reason</c> of the 503's body.
/// </summary>
public enum TooBusyLimit
{
    /// <summary>The wait for a container reached <c>FN_MAX_WAIT_MSECS</c> or the call's own deadline.</summary>
    WaitTime,

    /// <summary>The fn already had <c>FN_MAX_QUEUED_PER_FN</c> calls waiting.</summary>
    FnQueue,

    /// <summary>The node already had <c>FN_MAX_QUEUED_TOTAL</c> calls waiting.</summary>
    TotalQueue,

    /// <summary>The runner is shutting down.</summary>
    ShuttingDown,

    /// <summary>
    /// Refused on arrival: the fn has no container, and the node's backlog of container starts at its
    /// measured start rate cannot give it one before the call's wait ends. Its container is started anyway,
    /// so that a retry after <c>Retry-After</c> finds it hot.
    /// </summary>
    StartBacklog,

    /// <summary>The wait ended with no container because the node's memory was in use by other containers that could not be evicted.</summary>
    Memory,

    /// <summary>The fn already ran as many calls at once as its <c>fnsharp.io/max-concurrency</c> annotation allows, for the whole wait.</summary>
    ConcurrencyCap,
}
