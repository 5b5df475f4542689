namespace FnSharp.Agent.Runner.KeepAlive;

/// <summary>What a fn's keep-alive windows were taken from (<see cref="KeepAliveWindows.Basis"/>); the log line of a stop or a pre-warm names it.</summary>
internal enum KeepAliveBasis
{
    /// <summary>The fixed policy: the fn's <c>idle_timeout</c>.</summary>
    Fixed,

    /// <summary>The hybrid policy fell back to the fn's <c>idle_timeout</c>: too few idle times to learn from.</summary>
    TooFewSamples,

    /// <summary>The hybrid policy fell back to the fn's <c>idle_timeout</c>: the idle times spread over the histogram (the coefficient of variation of its bin counts is low), so no window predicts the next one.</summary>
    Spread,

    /// <summary>The windows come from the histogram's head and tail percentiles.</summary>
    Histogram,

    /// <summary>The windows cost least over the histogram: the memory they keep plus the price of the cold starts they leave (<see cref="CostKeepAlive"/>).</summary>
    Cost,

    /// <summary>Most idle times were longer than the histogram's range: the windows come from a forecast of the next one (the median of the latest long ones).</summary>
    OutOfBounds,
}
