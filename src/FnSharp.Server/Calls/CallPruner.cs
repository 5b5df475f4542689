using FnSharp.Core.Storage;
using FnSharp.Server.Configuration;
using FnSharp.Server.Hosting;
using Microsoft.Extensions.Options;

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
    protected override bool Enabled => MaxAge > TimeSpan.Zero;

    // Read when used, not when built: the host builds hosted services before it reports bad settings.
    private TimeSpan MaxAge => TimeSpan.FromSeconds(options.Value.CallMaxAgeSecs);

    /// <summary>
    /// One round: removes the calls completed before now minus <c>FN_CALL_MAX_AGE_SECS</c>. A failure of
    /// the store is logged and the next round tries again.
    /// </summary>
    /// <returns>How many calls were removed (0 when the store failed).</returns>
    public override async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var before = Time.GetUtcNow() - MaxAge;
        int removed;
        try
        {
            removed = await store.PruneCallsAsync(before, cancellationToken);
        }
        catch (Exception e) when (e is not OutOfMemoryException && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            LogPruneFailed(logger, e, Interval.TotalMinutes);
            return 0;
        }

        if (removed > 0)
        {
            metrics.Pruned.Add(removed);
            LogPruned(logger, removed, before, options.Value.CallMaxAgeSecs);
        }

        return removed;
    }
}
