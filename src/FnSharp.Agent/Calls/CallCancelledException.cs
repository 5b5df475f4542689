namespace FnSharp.Agent.Calls;

/// <summary>
/// Thrown by <see cref="IAgent.SubmitAsync"/> when the caller's token ends a call (the client went
/// away). A call cut off in its container carries its <see cref="Execution"/>, so that its record can
/// say where it ran and its output can still be taken; the container itself is killed, since the
/// call's state in it is unknown. Cancellation stays an <see cref="OperationCanceledException"/>, as
/// .NET callers expect of a token, rather than a <see cref="CallStatus"/>: nothing is answered for it.
/// </summary>
public sealed class CallCancelledException : OperationCanceledException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="execution">Where and when the call ran; <see langword="null"/> when it was cancelled before a container was assigned.</param>
    /// <param name="cancellationToken">The caller's token that was cancelled.</param>
    /// <param name="innerException">The cancellation as the connection to the container saw it, if any.</param>
    public CallCancelledException(CallExecution? execution, CancellationToken cancellationToken, Exception? innerException = null)
        : base("The call was cancelled by its caller.", innerException, cancellationToken)
    {
        Execution = execution;
    }

    /// <summary>Where and when the call ran, if it reached a container (as <see cref="CallResult.Execution"/>).</summary>
    public CallExecution? Execution { get; }
}
