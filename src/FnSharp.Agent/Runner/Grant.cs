using FnSharp.Agent.Calls;

namespace FnSharp.Agent.Runner;

/// <summary>How a wait ended: a container, a refusal (the wait ran out, or shutdown), a failure to answer with, or the caller went away.</summary>
internal readonly record struct Grant(HotContainer? Container, TooBusyLimit? Refusal, CallResult? Failure, bool Abandoned)
{
    public static Grant Of(HotContainer container) => new(container, null, null, false);

    public static Grant Refuse(TooBusyLimit limit) => new(null, limit, null, false);

    public static Grant Fail(CallResult failure) => new(null, null, failure, false);

    public static readonly Grant Gone = new(null, null, null, true);
}
