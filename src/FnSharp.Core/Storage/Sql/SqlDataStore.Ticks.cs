using System.Data.Common;

namespace FnSharp.Core.Storage.Sql;

// The ticks of cron triggers on the table trigger_ticks (trigger_id, tick_at, call_id), whose primary key
// (trigger_id, tick_at) makes each tick one call across nodes: the tick row is inserted first, ON CONFLICT
// DO NOTHING, and the call only when that insert took. A row references its trigger (removed with it);
// call_id is NULL for a tick skipped by fnsharp.io/cron-overlap.
public abstract partial class SqlDataStore : ITriggerTickStore
{
    /// <inheritdoc/>
    public async Task<IReadOnlyList<Trigger>> GetTriggersOfTypeAsync(string type, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        return await QueryAllAsync($"SELECT {TriggerColumns} FROM triggers WHERE type = @type ORDER BY id", command => AddString(command, "@type", type), ReadTrigger, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<TriggerTick?> GetLastTickAsync(string triggerId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(triggerId);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, """
            SELECT (SELECT MAX(tick_at) FROM trigger_ticks WHERE trigger_id = @trigger_id),
                (SELECT c.status FROM trigger_ticks t JOIN calls c ON c.id = t.call_id
                 WHERE t.trigger_id = @trigger_id ORDER BY t.tick_at DESC LIMIT 1)
            """);
        AddString(command, "@trigger_id", triggerId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || reader.IsDBNull(0))
        {
            return null;
        }

        var status = reader.IsDBNull(1) ? null : reader.GetString(1);
        return new TriggerTick(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)), status is CallStates.Queued or CallStates.Running);
    }

    /// <inheritdoc/>
    public async Task<bool> RecordTickAsync(string triggerId, DateTimeOffset tickAt, Call? call, CallPayload? payload, DateTimeOffset keepAfter, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(triggerId);
        if ((call is null) != (payload is null))
        {
            throw new ArgumentException("A tick stores both a call and its payload, or neither.", nameof(payload));
        }

        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // The WHERE keeps a slow node from storing a tick older than one already stored, and a tick of a
        // trigger removed meanwhile; the primary key keeps two nodes from storing the same tick.
        await using (var insert = Command(connection, transaction, """
            INSERT INTO trigger_ticks (trigger_id, tick_at, call_id)
            SELECT @trigger_id, @tick_at, @call_id
            WHERE EXISTS (SELECT 1 FROM triggers WHERE id = @trigger_id)
                AND NOT EXISTS (SELECT 1 FROM trigger_ticks WHERE trigger_id = @trigger_id AND tick_at >= @tick_at)
            ON CONFLICT (trigger_id, tick_at) DO NOTHING
            """))
        {
            AddString(insert, "@trigger_id", triggerId);
            AddInt64(insert, "@tick_at", tickAt.ToUnixTimeMilliseconds());
            AddString(insert, "@call_id", call?.Id);
            int inserted;
            try
            {
                inserted = await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (DbException e) when (Classify(e) is { Kind: ConstraintKind.ForeignKey })
            {
                // The trigger was removed between the check and the insert (PostgreSQL, concurrent delete).
                return false;
            }

            if (inserted == 0)
            {
                return false;
            }
        }

        await using (var prune = Command(connection, transaction, "DELETE FROM trigger_ticks WHERE trigger_id = @trigger_id AND tick_at < @keep_after"))
        {
            AddString(prune, "@trigger_id", triggerId);
            AddInt64(prune, "@keep_after", keepAfter.ToUnixTimeMilliseconds());
            await prune.ExecuteNonQueryAsync(cancellationToken);
        }

        if (call is not null)
        {
            await InsertQueuedCallAsync(connection, transaction, call, payload!, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}
