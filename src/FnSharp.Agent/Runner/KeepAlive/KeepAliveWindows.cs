namespace FnSharp.Agent.Runner.KeepAlive;

/// <summary>
/// How a fn's idle container is treated after a call (the two windows of Shahrad et al.'s hybrid policy).
/// With no pre-warm (<see cref="PrewarmAfter"/> <see langword="null"/>), the container stays idle for
/// <see cref="KeepAlive"/> after the call ends. With a pre-warm, the container is stopped when the call ends,
/// a new one is started <see cref="PrewarmAfter"/> after the call's end, and that one is kept idle for
/// <see cref="KeepAlive"/> from its start. <see cref="KeepAlive"/> is never longer than the fn's <c>idle_timeout</c>.
/// </summary>
/// <param name="PrewarmAfter">When, after a call ends, a container is started ahead of the next call; <see langword="null"/>: the container is kept instead.</param>
/// <param name="KeepAlive">How long an idle container is kept: from the call's end, or from the pre-warm's start.</param>
/// <param name="Basis">What the windows were taken from.</param>
/// <param name="Samples">How many idle times the fn's histogram holds (those past its range included).</param>
internal readonly record struct KeepAliveWindows(TimeSpan? PrewarmAfter, TimeSpan KeepAlive, KeepAliveBasis Basis, int Samples)
{
    /// <summary>The fixed policy's windows: no pre-warm, kept for <paramref name="idleTimeout"/>.</summary>
    public static KeepAliveWindows Fixed(TimeSpan idleTimeout, KeepAliveBasis basis = KeepAliveBasis.Fixed, int samples = 0) =>
        new(null, idleTimeout, basis, samples);
}
