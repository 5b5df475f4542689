using FnSharp.Agent.Runner.Containers;

namespace FnSharp.Agent.Runner.Dispatch;

/// <summary>Where a container was lent from for one call (its slot queue), which takes it back when the call ends.</summary>
internal interface IContainerOwner
{
    /// <summary>
    /// Ends the call on <paramref name="container"/>: it serves the next waiting call or turns idle, or, when
    /// <paramref name="kill"/>, is removed before this returns. Returns how long the call held the container,
    /// measured before any removal; a <paramref name="measured"/> call (one that ended rather than was cut
    /// off by its caller) counts in the fn's call time. Never throws.
    /// </summary>
    Task<TimeSpan> ReleaseAsync(HotContainer container, bool kill, bool measured);
}
