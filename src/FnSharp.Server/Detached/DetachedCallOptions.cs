namespace FnSharp.Server.Detached;

/// <summary>
/// The settings of the worker that runs detached calls (<see cref="DetachedCallWorker"/>), read
/// from FnSharp's own <c>FN_ASYNC_*</c> names (Fn removed its async calls and has none) through
/// <see cref="Configuration.Settings.Detached"/>, which checks them at start-up. <c>docs/configuration.md</c> lists them.
/// </summary>
public sealed record DetachedCallOptions
{
    /// <summary>The most detached calls one node may run at once.</summary>
    public const int MaxConcurrentLimit = 10_000;

    /// <summary>Detached calls in flight on this node at once (<c>FN_ASYNC_MAX_CONCURRENT</c>, default 8); 0 turns the worker off, so this node only accepts them.</summary>
    public int MaxConcurrent { get; set; } = 8;

    /// <summary>How often the worker looks for due calls, in milliseconds (<c>FN_ASYNC_POLL_MSECS</c>, default 1000). A call accepted or re-driven by this node wakes it at once.</summary>
    public int PollMs { get; set; } = 1000;

    /// <summary>
    /// How old a detached call may grow before it stops being tried, in seconds, counted from its
    /// acceptance (<c>FN_ASYNC_MAX_EVENT_AGE_SECS</c>, default 21600: 6 hours). An older call becomes a dead letter.
    /// </summary>
    public int MaxEventAgeSeconds { get; set; } = 21_600;

    /// <summary>The first retry's delay, in milliseconds (<c>FN_ASYNC_RETRY_BASE_MSECS</c>, default 1000); it doubles with each attempt.</summary>
    public int RetryBaseMs { get; set; } = 1000;

    /// <summary>The longest delay between two attempts, in milliseconds (<c>FN_ASYNC_RETRY_MAX_MSECS</c>, default 300000: 5 minutes).</summary>
    public int RetryMaxMs { get; set; } = 300_000;

    /// <summary>
    /// How long a claimed call stays leased to this node without renewal, in milliseconds
    /// (<c>FN_ASYNC_LEASE_MSECS</c>, default 60000). The worker renews the leases of its running calls
    /// every third of it; a call whose lease runs out (its node died) is claimed again by any node.
    /// </summary>
    public int LeaseMs { get; set; } = 60_000;

    /// <summary>How often the leases of running calls are renewed: a third of <see cref="LeaseMs"/>.</summary>
    public TimeSpan LeaseRenewal => TimeSpan.FromMilliseconds(LeaseMs / 3.0);
}
