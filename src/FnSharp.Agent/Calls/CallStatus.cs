namespace FnSharp.Agent.Calls;

/// <summary>
/// How a call ended. Each value maps to one row of the outcome table of <c>fn-compat.md</c>
/// section 3; the function's faults are kept apart from the platform's.
/// </summary>
public enum CallStatus
{
    /// <summary>The FDK answered 200; the response is the function's.</summary>
    Success,

    /// <summary>The FDK answered 502: the function failed (its fault; container kept).</summary>
    FunctionFailed,

    /// <summary>The FDK answered a status other than 200, 502 or 504 (container killed).</summary>
    InvalidResponse,

    /// <summary>The connection broke or the reply was not HTTP (container killed).</summary>
    ReceiveFailed,

    /// <summary>The call ran past the fn's timeout (container killed).</summary>
    TimedOut,

    /// <summary>The container exited or failed the socket checks before it was ready (container removed).</summary>
    ContainerInitFailed,

    /// <summary>The container did not create its socket within the start timeout (container killed).</summary>
    ContainerInitTimedOut,

    /// <summary>The fn's image is not on the host and could not be pulled.</summary>
    ImageNotFound,

    /// <summary>The kernel killed the container for exceeding the fn's memory (the function's fault; container removed).</summary>
    OutOfMemory,

    /// <summary>No container became free within the wait limit, a queue was full, or the agent is stopping (503 with <c>Retry-After</c>).</summary>
    TooBusy,

    /// <summary>The fn asks for more memory than this host has in total (400, refused at once).</summary>
    CannotAllocate,

    /// <summary>The container engine does not answer, so no container could start (503 with <c>Retry-After</c>; not the function's fault).</summary>
    EngineUnavailable,

    /// <summary>The node could not prepare a container for the call (its socket directory could not be made): 500, the node's fault, not the function's.</summary>
    NodeFault,

    /// <summary>
    /// The fn was removed (or its app) while the call waited for a container, or between its lookup and its arrival at
    /// the runner (404, <see cref="CallErrors.FnRemoved"/>); calls already running on a container finish.
    /// </summary>
    FnRemoved,
}
