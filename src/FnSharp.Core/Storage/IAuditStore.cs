namespace FnSharp.Core.Storage;

/// <summary>
/// The audit log: one <see cref="AuditEntry"/> per change made through the API, in the same database as
/// apps and fns. Implemented by <see cref="Sql.SqlDataStore"/>; checked by the key store conformance suite.
/// </summary>
public interface IAuditStore
{
    /// <summary>Stores an entry, its id and time set.</summary>
    Task InsertAuditEntryAsync(AuditEntry entry, CancellationToken cancellationToken);

    /// <summary>Returns one page of entries, newest first, filtered by <paramref name="filter"/>.</summary>
    Task<Page<AuditEntry>> GetAuditEntriesAsync(AuditFilter filter, CancellationToken cancellationToken);

    /// <summary>Removes the entries older than <paramref name="before"/>.</summary>
    /// <returns>How many were removed.</returns>
    Task<int> PruneAuditEntriesAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
