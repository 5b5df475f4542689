namespace FnSharp.Agent.Runner.KeepAlive;

/// <summary>How long an idle hot container is kept, and whether containers are started ahead of calls (<c>FN_KEEPALIVE_POLICY</c>).</summary>
public enum KeepAlivePolicyKind
{
    /// <summary>Each idle container is stopped after its fn's <c>idle_timeout</c>, as in Fn.</summary>
    Fixed,

    /// <summary>
    /// The hybrid histogram policy of Shahrad et al. ("Serverless in the Wild", USENIX ATC'20): each fn's
    /// keep-alive and pre-warm windows come from the histogram of its idle times between calls, never keeping
    /// a container idle longer than the fn's <c>idle_timeout</c> (see <see cref="HybridKeepAlive"/>).
    /// </summary>
    Hybrid,

    /// <summary>
    /// Each fn's windows are those that keep the least memory plus a node-wide price for each cold start, over the
    /// histogram of its idle times (see <see cref="CostKeepAlive"/>), never keeping a container idle longer than the
    /// fn's <c>idle_timeout</c>.
    /// </summary>
    Cost,
}
