namespace FnSharp.Server.Calls;

/// <summary>
/// Removes ended calls (records, logs and dead letters) completed more than <c>FN_CALL_MAX_AGE_SECS</c>
/// ago, every <see cref="Interval"/> from start-up; off when the setting is 0. Queued and running calls
/// are never removed (<see cref="ICallStore.PruneCallsAsync"/>). Each node prunes the store it uses:
/// on a shared PostgreSQL the rounds of several nodes overlap harmlessly.
/// </summary>
internal sealed partial class CallPruner(ICallStore store, IOptions<ServerOptions> options, TimeProvider time, CallRecordMetrics metrics, ILogger<CallPruner> logger)
    : PeriodicPruner(time)
{
    /// <summary>The time between two rounds; the first comes one interval after start-up.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    /// <inheritdoc/>
    protected override TimeSpan Period => Interval;

    /// <inheritdoc/>
    protected override TimeSpan MaxAge => TimeSpan.FromSeconds(options.Value.CallMaxAgeSecs);

    /// <inheritdoc/>
    protected override Task<int> RemoveOlderThanAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        store.PruneCallsAsync(before, cancellationToken);

    /// <inheritdoc/>
    protected override void OnPruned(int removed, DateTimeOffset before)
    {
        metrics.Pruned.Add(removed);
        LogPruned(logger, removed, before, options.Value.CallMaxAgeSecs);
    }

    /// <inheritdoc/>
    protected override void OnFailed(Exception exception) => LogPruneFailed(logger, exception, Interval.TotalMinutes);
}
