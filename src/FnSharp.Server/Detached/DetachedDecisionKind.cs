namespace FnSharp.Server.Detached;

/// <summary>The kinds of <see cref="DetachedDecision"/>.</summary>
internal enum DetachedDecisionKind
{
    /// <summary>Store the call as ended.</summary>
    Complete,

    /// <summary>Queue it again.</summary>
    Retry,

    /// <summary>Store it as a dead letter.</summary>
    DeadLetter,
}
