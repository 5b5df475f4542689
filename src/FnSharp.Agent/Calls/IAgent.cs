namespace FnSharp.Agent.Calls;

/// <summary>Runs calls in hot containers (Fn's <c>agent.Agent</c>).</summary>
public interface IAgent
{
    /// <summary>
    /// Runs <paramref name="call"/> in a hot container of its fn, starting one when needed.
    /// Never throws for the function's or the container's faults: they come back as a failed
    /// <see cref="CallResult"/>. The caller disposes the result once it has copied the response out.
    /// </summary>
    /// <exception cref="CallCancelledException"><paramref name="cancellationToken"/> was cancelled (the client went away); it carries the call's execution when the call was cut off in its container.</exception>
    Task<CallResult> SubmitAsync(CallRequest call, CancellationToken cancellationToken);
}
