namespace FnSharp.Server.Detached;

/// <summary>What to do with a detached call after an attempt.</summary>
/// <param name="Kind">Complete it, retry it, or make it a dead letter.</param>
/// <param name="Fault">For a retry: whose fault the attempt's end was.</param>
/// <param name="NextAttemptAt">For a retry: not before this time (UTC).</param>
/// <param name="CountAttempt">For a retry: whether the attempt counts (false when the node was too busy to try).</param>
/// <param name="Reason">For a dead letter: why.</param>
internal sealed record DetachedDecision(DetachedDecisionKind Kind, DetachedFault Fault, DateTimeOffset? NextAttemptAt, bool CountAttempt, DetachedDeadLetterReason? Reason)
{
    /// <summary>The attempt succeeded: store the call as ended.</summary>
    public static readonly DetachedDecision Complete = new(DetachedDecisionKind.Complete, DetachedFault.None, null, true, null);

    /// <summary>Queue the call again for <paramref name="next"/>.</summary>
    public static DetachedDecision Retry(DetachedFault fault, DateTimeOffset next, bool countAttempt) => new(DetachedDecisionKind.Retry, fault, next, countAttempt, null);

    /// <summary>Store the call as a dead letter.</summary>
    public static DetachedDecision DeadLetter(DetachedDeadLetterReason reason) => new(DetachedDecisionKind.DeadLetter, DetachedFault.None, null, true, reason);
}
