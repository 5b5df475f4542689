namespace FnSharp.Agent.Calls;

/// <summary>One call of a fn, as the agent receives it from an endpoint.</summary>
public sealed record CallRequest
{
    /// <summary>The call's 26-character id, returned to the client as <c>Fn-Call-Id</c>.</summary>
    public required string CallId { get; init; }

    /// <summary>The app the fn belongs to.</summary>
    public required App App { get; init; }

    /// <summary>The fn to call, with its defaults applied.</summary>
    public required Fn Fn { get; init; }

    /// <summary>Headers to pass to the container; hop-by-hop headers are dropped on the way.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>The request body, streamed to the container.</summary>
    public required Stream Body { get; init; }

    /// <summary>The body's length in bytes when known.</summary>
    public long? ContentLength { get; init; }

    /// <summary>
    /// The latest moment the call may still be waiting for a container; <see langword="null"/> leaves
    /// only the agent's maximum wait. Waiting never goes past it; the fn's timeout starts afterwards,
    /// once a container is assigned.
    /// </summary>
    public DateTimeOffset? WaitDeadline { get; init; }

    /// <summary>
    /// Whether the call is asynchronous (detached or queued): containers started for such calls may
    /// reserve only the agent's async share of memory, so synchronous calls always have room.
    /// </summary>
    public bool IsAsync { get; init; }

    /// <summary>
    /// Whether the call, once in its container, runs to its end when the caller's token ends it (a synchronous call
    /// whose client went away: its answer is read and dropped and the container kept, all within the fn's timeout),
    /// rather than being cut off with its container killed (the default: a detached call cut off by shutdown). Fn's
    /// agent cuts every call off and kills its container (the http-stream connection's state is then unknown), so
    /// that under overload each client that gave up cost a hot container and the next caller a cold start.
    /// </summary>
    public bool OutlivesCaller { get; init; }
}
