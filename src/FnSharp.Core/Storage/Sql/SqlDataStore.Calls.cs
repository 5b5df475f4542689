using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text;

namespace FnSharp.Core.Storage.Sql;

// The call store on the tables calls, call_payloads (a queued call's headers as JSON text and body as
// bytes, kept until it ends, or longer for a dead letter) and call_logs. A call row also holds the lease of
// a running detached call (lease_owner, lease_until), which Call does not show. No foreign key ties a call
// to its fn: records are written in batches after the call and must not fail when the fn was removed
// meanwhile; RemoveFnAsync and RemoveAppAsync remove the calls themselves, in the fn's or app's transaction.
// Writers take rows in the order calls, payloads, logs (PostgreSQL removals and pruning lock the calls
// first) so that they cannot deadlock each other.
public abstract partial class SqlDataStore
{
    private const string CallColumns = "id, app_id, fn_id, type, status, status_code, error, created_at, started_at, completed_at, attempts, container_id, next_attempt_at, dead_letter, start_kind, start_phases, timeline, image_digest";
    private static readonly string CallValues = SqlParameters.Of(CallColumns);

    /// <summary>The insert of a call record that is not there yet (<see cref="InsertCallRecordsAsync"/>).</summary>
    private static readonly string InsertCallRecord = $"INSERT INTO calls ({CallColumns}) VALUES ({CallValues}) ON CONFLICT (id) DO NOTHING";

    /// <summary>The condition of a write that only the claim holding a running call's lease may make (see <see cref="AddLeaseParameters"/>).</summary>
    private const string LeaseHeld = "status = @running AND lease_owner = @owner AND started_at = @claimed_at";

    /// <summary>How many ids one statement lists at most (SQLite allows 32766 parameters, PostgreSQL 65535).</summary>
    private const int IdsPerStatement = 500;

    // PostgreSQL: the fn's row is locked first, as InsertCallRecordsAsync locks the fns of its records (FOR SHARE), so that
    // a record written at the fn's removal is either dropped there or removed here with the fn's other calls.
    private const string LockFnCalls = "SELECT id FROM fns WHERE id = @id FOR UPDATE;\nSELECT id FROM calls WHERE fn_id = @id FOR UPDATE";
    private const string DeleteFnCalls = """
        DELETE FROM call_payloads WHERE call_id IN (SELECT id FROM calls WHERE fn_id = @id);
        DELETE FROM call_logs WHERE fn_id = @id;
        DELETE FROM calls WHERE fn_id = @id;
        """;

    private const string LockAppCalls = "SELECT id FROM fns WHERE app_id = @id ORDER BY id FOR UPDATE;\nSELECT id FROM calls WHERE app_id = @id FOR UPDATE";
    private const string DeleteAppCalls = """
        DELETE FROM call_payloads WHERE call_id IN (SELECT id FROM calls WHERE app_id = @id);
        DELETE FROM call_logs WHERE fn_id IN (SELECT id FROM fns WHERE app_id = @id) OR call_id IN (SELECT id FROM calls WHERE app_id = @id);
        DELETE FROM calls WHERE app_id = @id;
        """;

    /// <summary>
    /// The locking clause ending the claim's <c>SELECT ... FROM calls c JOIN call_payloads p ... LIMIT @max</c>:
    /// one that locks the calls it picks and skips calls other transactions hold (PostgreSQL:
    /// <c>" FOR UPDATE OF c SKIP LOCKED"</c>), or <c>""</c> when the write transaction already excludes
    /// every other writer (SQLite).
    /// </summary>
    protected abstract string ClaimLockClause { get; }

    /// <inheritdoc/>
    public async Task EnqueueCallAsync(Call call, CallPayload payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(payload);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await InsertQueuedCallAsync(connection, transaction, call, payload, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Inserts a queued call and its payload inside <paramref name="transaction"/>.</summary>
    private static async Task InsertQueuedCallAsync(DbConnection connection, DbTransaction transaction, Call call, CallPayload payload, CancellationToken cancellationToken)
    {
        await using (var insert = Command(connection, transaction, $"INSERT INTO calls ({CallColumns}) VALUES ({CallValues})"))
        {
            AddCallParameters(insert, call);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var insert = Command(connection, transaction, "INSERT INTO call_payloads (call_id, headers, body) VALUES (@call_id, @headers, @body)"))
        {
            AddString(insert, "@call_id", call.Id);
            AddString(insert, "@headers", StoreJson.SerializeHeaders(payload.Headers));
            Add(insert, "@body", DbType.Binary, payload.Body);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Fair across fns: each due call gets a turn, its place among its fn's due calls (oldest first by
    /// <c>created_at</c>, then id) plus the calls of its fn running now under a live lease, and the claim
    /// takes the lowest turns, oldest first among equal turns. So a fn whose backlog already holds many
    /// running calls waits while another fn has fewer (one fn's backlog no longer delays every other fn's
    /// calls), and within a fn a call waiting for a retry still goes ahead of newer calls once due. The
    /// running calls are counted across every node sharing the store. The claim reads the due calls with their payloads and marks them running in one
    /// transaction: on SQLite it is <c>BEGIN IMMEDIATE</c> (Microsoft.Data.Sqlite's default), so one claim
    /// runs at a time; on PostgreSQL the read ends in <see cref="ClaimLockClause"/> (<c>FOR UPDATE OF c SKIP
    /// LOCKED</c>), so concurrent claims from any node lock disjoint calls without waiting for each other.
    /// A claimed call's <see cref="Call.NextAttemptAt"/> is cleared; its <see cref="Call.Error"/> (of a failed
    /// attempt) is kept until it ends.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lease"/> or <paramref name="max"/> is negative.</exception>
    public async Task<IReadOnlyList<ClaimedCall>> ClaimCallsAsync(string nodeName, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        ArgumentOutOfRangeException.ThrowIfLessThan(lease, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        if (max == 0)
        {
            return [];
        }

        var nowMs = now.ToUnixTimeMilliseconds();
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        List<ClaimedCall> claimed;

        // The due condition is checked again on the locked rows: PostgreSQL re-reads a row another claim
        // changed meanwhile against the locking query's own conditions, not against the ranking's.
        await using (var select = Command(connection, transaction, $"""
                WITH due AS (
                    SELECT id, fn_id, created_at, ROW_NUMBER() OVER (PARTITION BY fn_id ORDER BY created_at, id) AS turn
                    FROM calls
                    WHERE (status = @queued AND (next_attempt_at IS NULL OR next_attempt_at <= @now))
                        OR (status = @running AND lease_until < @now)
                ),
                busy AS (
                    SELECT fn_id, COUNT(*) AS running FROM calls WHERE status = @running AND lease_until >= @now GROUP BY fn_id
                ),
                ranked AS (
                    SELECT due.id, due.created_at, due.turn + COALESCE(busy.running, 0) AS turn
                    FROM due LEFT JOIN busy ON busy.fn_id = due.fn_id
                )
                SELECT c.id, c.app_id, c.fn_id, c.type, c.status, c.status_code, c.error, c.created_at, c.started_at, c.completed_at,
                    c.attempts, c.container_id, c.next_attempt_at, c.dead_letter, c.start_kind, c.start_phases, c.timeline, p.headers, p.body, c.image_digest
                FROM ranked r JOIN calls c ON c.id = r.id JOIN call_payloads p ON p.call_id = c.id
                WHERE (c.status = @queued AND (c.next_attempt_at IS NULL OR c.next_attempt_at <= @now))
                    OR (c.status = @running AND c.lease_until < @now)
                ORDER BY r.turn, r.created_at, r.id
                LIMIT @max{ClaimLockClause}
                """))
        {
            AddString(select, "@queued", CallStates.Queued);
            AddString(select, "@running", CallStates.Running);
            AddInt64(select, "@now", nowMs);
            Add(select, "@max", DbType.Int32, max);
            claimed = await ReadAllAsync(
                select,
                reader =>
                {
                    var read = ReadCall(reader);
                    var call = read with
                    {
                        Status = CallStates.Running,
                        StartedAt = DateTimeOffset.FromUnixTimeMilliseconds(nowMs),
                        Attempts = read.Attempts + 1,
                        NextAttemptAt = null,
                    };
                    var payload = new CallPayload(StoreJson.DeserializeHeaders(reader.GetString(17)), reader.GetFieldValue<byte[]>(18));
                    return new ClaimedCall(call, payload, new CallLease(nodeName, call.StartedAt!.Value));
                },
                cancellationToken);
        }

        if (claimed.Count == 0)
        {
            return [];
        }

        await using (var update = connection.CreateCommand())
        {
            update.Transaction = transaction;
            update.CommandText = $"""
                UPDATE calls SET status = @running, started_at = @now, attempts = attempts + 1, next_attempt_at = NULL,
                    lease_owner = @owner, lease_until = @until
                WHERE id IN ({AddIds(update, claimed.Select(c => c.Call.Id).ToList())})
                """;
            AddString(update, "@running", CallStates.Running);
            AddInt64(update, "@now", nowMs);
            AddString(update, "@owner", nodeName);
            AddInt64(update, "@until", (now + lease).ToUnixTimeMilliseconds());
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return claimed;
    }

    /// <inheritdoc/>
    public async Task ExtendLeasesAsync(string nodeName, IReadOnlyCollection<string> callIds, DateTimeOffset until, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        ArgumentNullException.ThrowIfNull(callIds);
        var ids = callIds.Where(StoredText.IsStorable).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0)
        {
            return;
        }

        await using var connection = await OpenConnectionAsync(cancellationToken);
        foreach (var chunk in ids.Chunk(IdsPerStatement))
        {
            await using var update = connection.CreateCommand();
            update.CommandText = $"UPDATE calls SET lease_until = @until WHERE status = @running AND lease_owner = @owner AND id IN ({AddIds(update, chunk)})";
            AddInt64(update, "@until", until.ToUnixTimeMilliseconds());
            AddString(update, "@running", CallStates.Running);
            AddString(update, "@owner", nodeName);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <inheritdoc/>
    public Task<int> RecoverNodeCallsAsync(string nodeName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        return ExecuteAsync(
            """
            UPDATE calls SET status = @queued, next_attempt_at = NULL, lease_owner = NULL, lease_until = NULL
            WHERE status = @running AND lease_owner = @owner
            """,
            update =>
            {
                AddString(update, "@queued", CallStates.Queued);
                AddString(update, "@running", CallStates.Running);
                AddString(update, "@owner", nodeName);
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The lease is checked in the update itself (<c>status = 'running' AND lease_owner = @owner AND
    /// started_at = @claimed_at</c>): the claim stored its node and time there, every later claim stores its
    /// own, and the end of a call clears the owner, so no read-then-write race is left.
    /// </remarks>
    public Task<LeasedWrite> CompleteCallAsync(Call call, CallLease lease, CallLog? log, FollowUpCall? followUp, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(lease);

        // Removed with its fn meanwhile (no log may be left behind), or no longer this claim's: nothing else is written.
        return WriteLeasedAsync(
            call.Id,
            lease,
            $"""
            UPDATE calls SET status = @status, status_code = @status_code, error = @error, started_at = @started_at,
                completed_at = @completed_at, container_id = @container_id, dead_letter = @dead_letter, attempts = @attempts,
                start_kind = @start_kind, start_phases = @start_phases, timeline = @timeline,
                image_digest = @image_digest, next_attempt_at = NULL, lease_owner = NULL, lease_until = NULL
            WHERE id = @id AND {LeaseHeld}
            """,
            update => AddCallParameters(update, call),
            async (connection, transaction) =>
            {
                if (!call.DeadLetter)
                {
                    await using var delete = Command(connection, transaction, "DELETE FROM call_payloads WHERE call_id = @id");
                    AddString(delete, "@id", call.Id);
                    await delete.ExecuteNonQueryAsync(cancellationToken);
                }

                if (followUp is not null)
                {
                    // Only with this end: the lease check lets one claim store it, once.
                    await InsertQueuedCallAsync(connection, transaction, followUp.Call, followUp.Payload, cancellationToken);
                }

                if (log is not null)
                {
                    // A re-driven call ends again: its new log replaces the old one.
                    await using var upsert = Command(connection, transaction, "INSERT INTO call_logs (call_id, fn_id, log) VALUES (@call_id, @fn_id, @log) ON CONFLICT (call_id) DO UPDATE SET log = excluded.log");
                    AddLogParameters(upsert, log with { CallId = call.Id, FnId = call.FnId });
                    await upsert.ExecuteNonQueryAsync(cancellationToken);
                }
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<LeasedWrite> RequeueCallAsync(string callId, CallLease lease, DateTimeOffset nextAttemptAt, string? error, bool countAttempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);

        // Only the running claim: requeueing one already given back (by a recovery) must not uncount twice.
        return WriteLeasedAsync(
            callId,
            lease,
            $"""
            UPDATE calls SET status = @queued, next_attempt_at = @next_attempt_at, error = @error,
                attempts = CASE WHEN @uncount = 1 AND attempts > 0 THEN attempts - 1 ELSE attempts END,
                lease_owner = NULL, lease_until = NULL
            WHERE id = @id AND {LeaseHeld}
            """,
            update =>
            {
                AddString(update, "@queued", CallStates.Queued);
                AddInt64(update, "@next_attempt_at", nextAttemptAt.ToUnixTimeMilliseconds());
                AddString(update, "@error", error);
                Add(update, "@uncount", DbType.Int32, countAttempt ? 0 : 1);
                AddString(update, "@id", callId);
            },
            andThen: null,
            cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="sql"/>, an update of the call <paramref name="callId"/> whose condition holds
    /// <see cref="LeaseHeld"/>, with the parameters <paramref name="addParameters"/> adds and the lease's, then
    /// what <paramref name="andThen"/> writes, in one transaction: <see cref="LeasedWrite.Stored"/>, or, when the
    /// update changed no row and nothing is written, whether the lease was lost or the call removed.
    /// </summary>
    private async Task<LeasedWrite> WriteLeasedAsync(
        string callId,
        CallLease lease,
        string sql,
        Action<DbCommand> addParameters,
        Func<DbConnection, DbTransaction, Task>? andThen,
        CancellationToken cancellationToken)
    {
        if (!StoredText.IsStorable(callId) || !StoredText.IsStorable(lease.NodeName))
        {
            return LeasedWrite.CallRemoved;
        }

        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var update = Command(connection, transaction, sql))
        {
            addParameters(update);
            AddLeaseParameters(update, lease);
            if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return await LostOrRemovedAsync(connection, transaction, callId, cancellationToken);
            }
        }

        if (andThen is not null)
        {
            await andThen(connection, transaction);
        }

        await transaction.CommitAsync(cancellationToken);
        return LeasedWrite.Stored;
    }

    /// <summary>After a leased write changed no row: whether the call is still there (its lease passed on) or gone.</summary>
    private static async Task<LeasedWrite> LostOrRemovedAsync(DbConnection connection, DbTransaction transaction, string callId, CancellationToken cancellationToken)
    {
        await using var select = Command(connection, transaction, "SELECT COUNT(*) FROM calls WHERE id = @id");
        AddString(select, "@id", callId);
        var exists = Convert.ToInt64(await select.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) > 0;
        return exists ? LeasedWrite.LeaseLost : LeasedWrite.CallRemoved;
    }

    private static void AddLeaseParameters(DbCommand command, CallLease lease)
    {
        AddString(command, "@running", CallStates.Running);
        AddString(command, "@owner", lease.NodeName);
        AddInt64(command, "@claimed_at", lease.ClaimedAt.ToUnixTimeMilliseconds());
    }

    /// <inheritdoc/>
    public async Task<Call?> RedriveCallAsync(string fnId, string callId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!StoredText.IsStorable(fnId) || !StoredText.IsStorable(callId))
        {
            return null;
        }

        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        Call? current;
        await using (var select = Command(connection, transaction, $"SELECT {CallColumns} FROM calls WHERE id = @id AND fn_id = @fn_id" + (LocksRowsForUpdate ? ForUpdate : "")))
        {
            AddString(select, "@id", callId);
            AddString(select, "@fn_id", fnId);
            current = await ReadOneAsync(select, ReadCall, cancellationToken);
        }

        if (current is null)
        {
            return null;
        }

        if (!current.DeadLetter)
        {
            throw new ApiException(ApiErrors.CallNotDeadLetter);
        }

        var redriven = current with
        {
            Status = CallStates.Queued,
            StatusCode = null,
            Error = null,
            StartedAt = null,
            CompletedAt = null,
            Attempts = 0,
            ContainerId = null,
            NextAttemptAt = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds()),
            DeadLetter = false,
        };
        await using (var update = Command(connection, transaction, """
                UPDATE calls SET status = @status, status_code = @status_code, error = @error, started_at = @started_at,
                    completed_at = @completed_at, attempts = @attempts, container_id = @container_id,
                    next_attempt_at = @next_attempt_at, dead_letter = @dead_letter, lease_owner = NULL, lease_until = NULL
                WHERE id = @id
                """))
        {
            AddCallParameters(update, redriven);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return redriven;
    }

    /// <inheritdoc/>
    public async Task InsertCallRecordsAsync(IReadOnlyList<Call> calls, IReadOnlyList<CallLog> logs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(calls);
        ArgumentNullException.ThrowIfNull(logs);
        if (calls.Count == 0 && logs.Count == 0)
        {
            return;
        }

        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var live = await LiveFnsAsync(connection, transaction, [.. calls.Select(c => c.FnId).Concat(logs.Select(l => l.FnId)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)], cancellationToken);

        // One command per table for the whole batch, run with each record's values: its statement is prepared once, where a
        // command per record made the store parse the same SQL for every call (docs/benchmarks.md).
        await using (var insert = Command(connection, transaction, InsertCallRecord))
        {
            foreach (var call in calls.Where(c => live.Contains(c.FnId)))
            {
                insert.Parameters.Clear();
                AddCallParameters(insert, call);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await using (var insert = Command(connection, transaction, "INSERT INTO call_logs (call_id, fn_id, log) VALUES (@call_id, @fn_id, @log) ON CONFLICT (call_id) DO NOTHING"))
        {
            foreach (var log in logs.Where(l => live.Contains(l.FnId)))
            {
                insert.Parameters.Clear();
                AddLogParameters(insert, log);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Which of <paramref name="fnIds"/> are stored, in the transaction of the records about to be written: a record of a fn
    /// removed meanwhile (its call ended after the removal) is dropped, since its fn's calls went with it. PostgreSQL locks
    /// the fns found (<c>FOR SHARE</c>, in id order as a removal locks an app's) until the records commit, so that a removal
    /// waits for them and then removes them with the fn's other calls; SQLite's write transaction excludes the removal.
    /// </summary>
    private async Task<HashSet<string>> LiveFnsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> fnIds, CancellationToken cancellationToken)
    {
        var live = new HashSet<string>(StringComparer.Ordinal);
        foreach (var ids in fnIds.Chunk(IdsPerStatement))
        {
            await using var select = Command(connection, transaction, "");
            select.CommandText = $"SELECT id FROM fns WHERE id IN ({AddIds(select, ids)}) ORDER BY id" + (LocksRowsForUpdate ? " FOR SHARE" : "");
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                live.Add(reader.GetString(0));
            }
        }

        return live;
    }

    /// <inheritdoc/>
    public Task<Call?> GetCallAsync(string fnId, string callId, CancellationToken cancellationToken) =>
        QueryOneAsync($"SELECT {CallColumns} FROM calls WHERE id = @id AND fn_id = @fn_id", [("@id", callId), ("@fn_id", fnId)], ReadCall, cancellationToken);

    /// <inheritdoc/>
    public Task<Page<Call>> GetCallsAsync(CallFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return ListNewestFirstAsync(
            $"SELECT {CallColumns} FROM calls",
            "created_at",
            filter,
            [filter.FnId, filter.Status],
            " AND fn_id = @fn_id AND (@status IS NULL OR status = @status) AND (@dead_letter IS NULL OR dead_letter = @dead_letter)",
            command =>
            {
                AddString(command, "@fn_id", filter.FnId);
                AddString(command, "@status", filter.Status);
                Add(command, "@dead_letter", DbType.Boolean, filter.DeadLetter);
            },
            ReadCall,
            cancellationToken);
    }

    /// <summary>
    /// One page of records newest first (by id, descending), as <paramref name="select"/> (<c>SELECT ... FROM table</c>)
    /// reads them: before the filter's id and within its time window on <paramref name="timeColumn"/> (Unix
    /// milliseconds), and as <paramref name="filters"/> (<c>" AND ..."</c>) says with the parameters
    /// <paramref name="addParameters"/> adds; nothing when the cursor or one of <paramref name="keys"/> cannot be stored.
    /// </summary>
    private Task<Page<T>> ListNewestFirstAsync<T>(
        string select,
        string timeColumn,
        NewestFirstFilter filter,
        string?[] keys,
        string filters,
        Action<DbCommand> addParameters,
        Func<DbDataReader, T> read,
        CancellationToken cancellationToken) =>
        QueryPageAsync(
            [filter.BeforeId, .. keys],
            $"""
            {select}
            WHERE (@before IS NULL OR id < @before) AND (@from IS NULL OR {timeColumn} >= @from) AND (@to IS NULL OR {timeColumn} < @to){filters}
            ORDER BY id DESC LIMIT @limit
            """,
            filter.PerPage,
            command =>
            {
                AddString(command, "@before", filter.BeforeId);
                Add(command, "@from", DbType.Int64, CeilingMilliseconds(filter.From));
                Add(command, "@to", DbType.Int64, CeilingMilliseconds(filter.To));
                addParameters(command);
            },
            read,
            cancellationToken);

    /// <summary>
    /// A time bound in whole Unix milliseconds, as <c>created_at</c> is stored, rounded up: for whole
    /// milliseconds, "at or after" and "before" a time between two of them mean the same as for the next
    /// one (a call of 12:00:00.000 is before 12:00:00.0005, which truncation would turn into 12:00:00.000).
    /// </summary>
    private static long? CeilingMilliseconds(DateTimeOffset? time)
    {
        if (time is not { } bound)
        {
            return null;
        }

        var milliseconds = bound.ToUnixTimeMilliseconds();
        return DateTimeOffset.FromUnixTimeMilliseconds(milliseconds) < bound ? milliseconds + 1 : milliseconds;
    }

    /// <inheritdoc/>
    public Task<CallLog?> GetCallLogAsync(string fnId, string callId, CancellationToken cancellationToken) =>
        QueryOneAsync("SELECT call_id, fn_id, log FROM call_logs WHERE call_id = @id AND fn_id = @fn_id", [("@id", callId), ("@fn_id", fnId)], static r => new CallLog(r.GetString(0), r.GetString(1), r.GetString(2)), cancellationToken);

    /// <inheritdoc/>
    /// <remarks>
    /// Removes in transactions of at most 500 calls, so that a large backlog never holds SQLite's write
    /// lock (or PostgreSQL's row locks) for long; each batch removes its calls' payloads and logs with them.
    /// </remarks>
    public async Task<int> PruneCallsAsync(DateTimeOffset completedBefore, CancellationToken cancellationToken)
    {
        var removed = 0;
        await using var connection = await OpenConnectionAsync(cancellationToken);
        while (true)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            List<string> ids;
            var selectSql = "SELECT id FROM calls WHERE completed_at < @before AND status <> @queued AND status <> @running ORDER BY completed_at LIMIT @limit";
            await using (var select = Command(connection, transaction, LocksRowsForUpdate ? selectSql + ForUpdate : selectSql))
            {
                AddInt64(select, "@before", completedBefore.ToUnixTimeMilliseconds());
                AddString(select, "@queued", CallStates.Queued);
                AddString(select, "@running", CallStates.Running);
                Add(select, "@limit", DbType.Int32, IdsPerStatement);
                ids = await ReadAllAsync(select, static reader => reader.GetString(0), cancellationToken);
            }

            if (ids.Count == 0)
            {
                return removed;
            }

            await using (var delete = connection.CreateCommand())
            {
                delete.Transaction = transaction;
                var list = AddIds(delete, ids);
                delete.CommandText = $"DELETE FROM call_payloads WHERE call_id IN ({list}); DELETE FROM call_logs WHERE call_id IN ({list}); DELETE FROM calls WHERE id IN ({list});";
                await delete.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            removed += ids.Count;
            if (ids.Count < IdsPerStatement)
            {
                return removed;
            }
        }
    }

    private async Task<bool> RemoveWithCallsAsync(string deleteParent, string lockCalls, string deleteCalls, string id, CancellationToken cancellationToken)
    {
        if (!StoredText.IsStorable(id))
        {
            return false;
        }

        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // PostgreSQL: lock the calls before their payloads and logs, in the order every writer takes them.
        await using (var calls = Command(connection, transaction, LocksRowsForUpdate ? lockCalls + ";\n" + deleteCalls : deleteCalls))
        {
            AddString(calls, "@id", id);
            await calls.ExecuteNonQueryAsync(cancellationToken);
        }

        bool removed;
        await using (var parent = Command(connection, transaction, deleteParent))
        {
            AddString(parent, "@id", id);
            removed = await parent.ExecuteNonQueryAsync(cancellationToken) > 0;
        }

        await transaction.CommitAsync(cancellationToken);
        return removed;
    }

    /// <summary>Adds <c>@id0, @id1, ...</c> for <paramref name="ids"/> and returns that list for an <c>IN (...)</c>.</summary>
    private static string AddIds(DbCommand command, IReadOnlyList<string> ids)
    {
        var list = new StringBuilder();
        for (var i = 0; i < ids.Count; i++)
        {
            var name = "@id" + i.ToString(CultureInfo.InvariantCulture);
            AddString(command, name, ids[i]);
            list.Append(i == 0 ? "" : ", ").Append(name);
        }

        return list.ToString();
    }

    private static void AddCallParameters(DbCommand command, Call call)
    {
        AddString(command, "@id", call.Id);
        AddString(command, "@app_id", call.AppId);
        AddString(command, "@fn_id", call.FnId);
        AddString(command, "@type", call.Type);
        AddString(command, "@status", call.Status);
        Add(command, "@status_code", DbType.Int32, call.StatusCode);
        AddString(command, "@error", call.Error);
        AddInt64(command, "@created_at", call.CreatedAt.ToUnixTimeMilliseconds());
        Add(command, "@started_at", DbType.Int64, call.StartedAt?.ToUnixTimeMilliseconds());
        Add(command, "@completed_at", DbType.Int64, call.CompletedAt?.ToUnixTimeMilliseconds());
        Add(command, "@attempts", DbType.Int32, call.Attempts);
        AddString(command, "@container_id", call.ContainerId);
        Add(command, "@next_attempt_at", DbType.Int64, call.NextAttemptAt?.ToUnixTimeMilliseconds());
        Add(command, "@dead_letter", DbType.Boolean, call.DeadLetter);
        AddString(command, "@start_kind", call.StartKind);
        AddString(command, "@start_phases", call.StartPhasesMs is { } phases ? StoreJson.SerializeMilliseconds(phases) : null);
        AddString(command, "@timeline", call.TimelineMs is { } timeline ? StoreJson.SerializeMilliseconds(timeline) : null);
        AddString(command, "@image_digest", call.ImageDigest);
    }

    private static void AddLogParameters(DbCommand command, CallLog log)
    {
        AddString(command, "@call_id", log.CallId);
        AddString(command, "@fn_id", log.FnId);

        // A function's output may hold NUL, which PostgreSQL's text refuses: one such log failed the
        // whole batch of records, or left a detached call to run again at every lease.
        AddString(command, "@log", StoredText.ToStorable(log.Text));
    }

    private static Call ReadCall(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        AppId = reader.GetString(1),
        FnId = reader.GetString(2),
        Type = reader.GetString(3),
        Status = reader.GetString(4),
        StatusCode = reader.IsDBNull(5) ? null : reader.GetInt32(5),
        Error = reader.IsDBNull(6) ? null : reader.GetString(6),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
        StartedAt = ReadTime(reader, 8),
        CompletedAt = ReadTime(reader, 9),
        Attempts = reader.GetInt32(10),
        ContainerId = reader.IsDBNull(11) ? null : reader.GetString(11),
        NextAttemptAt = ReadTime(reader, 12),
        DeadLetter = reader.GetBoolean(13),
        StartKind = reader.IsDBNull(14) ? null : reader.GetString(14),
        StartPhasesMs = reader.IsDBNull(15) ? null : StoreJson.DeserializeMilliseconds(reader.GetString(15)),
        TimelineMs = reader.IsDBNull(16) ? null : StoreJson.DeserializeMilliseconds(reader.GetString(16)),
        ImageDigest = ReadImageDigest(reader),
    };

    // By name: the claim's query has the payload's columns before it.
    private static string? ReadImageDigest(DbDataReader reader)
    {
        var ordinal = reader.GetOrdinal("image_digest");
        return reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
    }

    private static DateTimeOffset? ReadTime(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));
}
