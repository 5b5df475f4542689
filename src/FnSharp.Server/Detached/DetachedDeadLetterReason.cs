namespace FnSharp.Server.Detached;

/// <summary>Why a detached call became a dead letter.</summary>
internal enum DetachedDeadLetterReason
{
    /// <summary>A function failure after the retries the fn allows.</summary>
    RetriesExhausted,

    /// <summary>The call reached <c>FN_ASYNC_MAX_EVENT_AGE_SECS</c> (or its next attempt would come after it).</summary>
    MaxEventAge,

    /// <summary>The call can never run on this node (<see cref="DetachedFault.Permanent"/>).</summary>
    CannotRun,
}
