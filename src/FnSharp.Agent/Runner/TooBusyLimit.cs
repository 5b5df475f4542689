namespace FnSharp.Agent.Runner;

/// <summary>The limit that refused a call with 503 too busy; its label value in metrics and logs.</summary>
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
}
