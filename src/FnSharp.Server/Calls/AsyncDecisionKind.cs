namespace FnSharp.Server.Calls;

/// <summary>The kinds of <see cref="AsyncDecision"/>.</summary>
internal enum AsyncDecisionKind
{
    /// <summary>Store the call as ended.</summary>
    Complete,

    /// <summary>Queue it again.</summary>
    Retry,

    /// <summary>Store it as a dead letter.</summary>
    DeadLetter,
}
