using FnSharp.Agent.Calls;
using FnSharp.Agent.Runner.Containers;

namespace FnSharp.Agent.Runner.Queue;

/// <summary>
/// How a call's request for a container ended: a container, a refusal naming its limit, a failure to answer
/// with (its container could not start), the caller went away, or the queue had retired (the caller asks a
/// fresh queue of the same key).
/// </summary>
/// <remarks><see cref="RetryAfter"/> goes with a refusal whose <c>Retry-After</c> was estimated (the start backlog's); else the setting's.</remarks>
internal readonly record struct Grant(HotContainer? Container, TooBusyLimit? Refusal, CallResult? Failure, bool Abandoned, bool Retired, TimeSpan? RetryAfter = null)
{
    public static Grant Of(HotContainer container) => new(container, null, null, false, false);

    public static Grant Refuse(TooBusyLimit limit, TimeSpan? retryAfter = null) => new(null, limit, null, false, false, retryAfter);

    public static Grant Fail(CallResult failure) => new(null, null, failure, false, false);

    public static readonly Grant Gone = new(null, null, null, true, false);

    public static readonly Grant RetiredQueue = new(null, null, null, false, true);
}
