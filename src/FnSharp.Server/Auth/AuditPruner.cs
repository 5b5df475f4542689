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
    protected override TimeSpan MaxAge => TimeSpan.FromSeconds(options.Value.AuditMaxAgeSecs);

    /// <inheritdoc/>
    protected override Task<int> RemoveOlderThanAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        store.Audit.PruneAuditEntriesAsync(before, cancellationToken);

    /// <inheritdoc/>
    protected override void OnPruned(int removed, DateTimeOffset before) => LogPruned(logger, removed, before, options.Value.AuditMaxAgeSecs);

    /// <inheritdoc/>
    protected override void OnFailed(Exception exception) => LogPruneFailed(logger, exception, Interval.TotalMinutes);

    // Event ids 1700-1799 belong to auth: 1750-1759 to pruning the audit log.
    [LoggerMessage(1750, LogLevel.Information, "Pruned {Count} audit entr(ies) older than {Before:O} (FN_AUDIT_MAX_AGE_SECS={MaxAgeSeconds})")]
    private static partial void LogPruned(ILogger logger, int count, DateTimeOffset before, int maxAgeSeconds);

    [LoggerMessage(1751, LogLevel.Warning, "Pruning the audit log failed; trying again in {IntervalMinutes} min")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception, double intervalMinutes);
}
