using System.Data;
using System.Data.Common;

namespace FnSharp.Core.Storage.Sql;

// The audit log on the table audit_log, one row per change made through the API, newest first by id.
public abstract partial class SqlDataStore : IAuditStore
{
    private const string AuditColumns = "id, time, key_id, key_name, remote_addr, action, path, status, resource_id, app_id";

    /// <inheritdoc/>
    public Task InsertAuditEntryAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return ExecuteAsync(
            $"INSERT INTO audit_log ({AuditColumns}) VALUES ({SqlParameters.Of(AuditColumns)})",
            command =>
            {
                AddString(command, "@id", entry.Id);
                AddInt64(command, "@time", entry.Time.ToUnixTimeMilliseconds());
                AddString(command, "@key_id", entry.KeyId);
                AddString(command, "@key_name", StoredText.ToStorable(entry.KeyName));
                AddString(command, "@remote_addr", entry.RemoteAddress);
                AddString(command, "@action", StoredText.ToStorable(entry.Action));
                AddString(command, "@path", StoredText.ToStorable(entry.Path));
                Add(command, "@status", DbType.Int32, entry.Status);
                AddString(command, "@resource_id", entry.ResourceId is null ? null : StoredText.ToStorable(entry.ResourceId));
                AddString(command, "@app_id", entry.AppId is null ? null : StoredText.ToStorable(entry.AppId));
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<Page<AuditEntry>> GetAuditEntriesAsync(AuditFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return ListNewestFirstAsync(
            $"SELECT {AuditColumns} FROM audit_log",
            "time",
            filter,
            [filter.KeyId, filter.AppId],
            " AND (@key_id IS NULL OR key_id = @key_id) AND (@app_id IS NULL OR app_id = @app_id)",
            command =>
            {
                AddString(command, "@key_id", filter.KeyId);
                AddString(command, "@app_id", filter.AppId);
            },
            ReadAuditEntry,
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<int> PruneAuditEntriesAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        ExecuteAsync("DELETE FROM audit_log WHERE time < @before", command => AddInt64(command, "@before", before.ToUnixTimeMilliseconds()), cancellationToken);

    private static AuditEntry ReadAuditEntry(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Time = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
        KeyId = reader.IsDBNull(2) ? null : reader.GetString(2),
        KeyName = reader.GetString(3),
        RemoteAddress = reader.IsDBNull(4) ? null : reader.GetString(4),
        Action = reader.GetString(5),
        Path = reader.GetString(6),
        Status = reader.GetInt32(7),
        ResourceId = reader.IsDBNull(8) ? null : reader.GetString(8),
        AppId = reader.IsDBNull(9) ? null : reader.GetString(9),
    };
}
