using FnSharp.Agent.Calls;

namespace FnSharp.Agent.Runner;

/// <summary>How a wait ended: a container, a failure to answer with, or the caller went away.</summary>
internal readonly record struct Grant(HotContainer? Container, CallResult? Failure, bool Abandoned)
{
    public static Grant Of(HotContainer container) => new(container, null, false);

    public static Grant Fail(CallResult failure) => new(null, failure, false);

    public static readonly Grant Gone = new(null, null, true);
}
