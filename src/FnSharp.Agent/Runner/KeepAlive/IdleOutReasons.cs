namespace FnSharp.Agent.Runner.KeepAlive;

/// <summary>Why an idle container was stopped: the <c>reason</c> label of <c>fnsharp_container_idle_outs_total</c> and of its log line.</summary>
internal static class IdleOutReasons
{
    /// <summary>It was idle for its fn's <c>idle_timeout</c> (the fixed policy, or a learned policy's fallback or bound).</summary>
    public const string IdleTimeout = "idle_timeout";

    /// <summary>A learned policy's keep-alive window, shorter than the fn's <c>idle_timeout</c>, ended (at once when the cost policy keeps none).</summary>
    public const string KeepAliveWindow = "keep_alive_window";

    /// <summary>A learned policy stopped it when its call ended, to start another when the pre-warm window opens.</summary>
    public const string UntilPrewarm = "until_prewarm";
}
