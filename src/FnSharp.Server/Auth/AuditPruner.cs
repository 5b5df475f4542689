using FnSharp.Server.Hosting;
using Microsoft.Extensions.Options;

namespace FnSharp.Server.Auth;

/// <summary>
/// Removes audit entries older than <c>FN_AUDIT_MAX_AGE_SECS</c>, every <see cref="Interval"/> from
/// start-up; off when the setting is 0. Each node prunes the store it uses; on a shared PostgreSQL the
/// rounds of several nodes overlap harmlessly.
/// </summary>
internal sealed partial class AuditPruner(AuthStore store, IOptions<AuthOptions> options, TimeProvider time, ILogger<AuditPruner> logger)
    : PeriodicPruner(time)
{
    /// <summary>The time between two rounds; the first comes one interval after start-up.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    /// <inheritdoc/>
    protected override TimeSpan Period => Interval;

    /// <inheritdoc/>
    protected override bool Enabled => MaxAge > TimeSpan.Zero;

    // Read when used, not when built: the host builds hosted services before it reports bad settings.
    private TimeSpan MaxAge => TimeSpan.FromSeconds(options.Value.AuditMaxAgeSecs);

    /// <summary>One round: removes the entries older than now minus <c>FN_AUDIT_MAX_AGE_SECS</c>; a failure is logged and the next round tries again.</summary>
    /// <returns>How many entries were removed (0 when the store failed).</returns>
    public override async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var before = Time.GetUtcNow() - MaxAge;
        try
        {
            var removed = await store.Audit.PruneAuditEntriesAsync(before, cancellationToken);
            if (removed > 0)
            {
                LogPruned(logger, removed, before, options.Value.AuditMaxAgeSecs);
            }

            return removed;
        }
        catch (Exception e) when (e is not OutOfMemoryException && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            LogPruneFailed(logger, e, Interval.TotalMinutes);
            return 0;
        }
    }

    // Event ids 1700-1799 belong to auth: 1750-1759 to pruning the audit log.
    [LoggerMessage(1750, LogLevel.Information, "Pruned {Count} audit entr(ies) older than {Before:O} (FN_AUDIT_MAX_AGE_SECS={MaxAgeSeconds})")]
    private static partial void LogPruned(ILogger logger, int count, DateTimeOffset before, int maxAgeSeconds);

    [LoggerMessage(1751, LogLevel.Warning, "Pruning the audit log failed; trying again in {IntervalMinutes} min")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception, double intervalMinutes);
}
