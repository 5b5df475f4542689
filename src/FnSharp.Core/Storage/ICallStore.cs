namespace FnSharp.Core.Storage;

/// <summary>
/// Where call records, per-call logs and the durable queue of detached calls live: in the same
/// database as apps and fns (the SQLite file when embedded, PostgreSQL otherwise, so any node can take
/// a queued call). Implemented by <see cref="Sql.SqlDataStore"/> for both; one conformance suite
/// checks them alike. Times are stored as Unix milliseconds. Every method is safe to call concurrently,
/// also from several nodes sharing one PostgreSQL.
/// </summary>
/// <remarks>
/// A detached call's life: <see cref="EnqueueCallAsync"/> (queued) → <see cref="ClaimCallsAsync"/>
/// (running, leased to a node) → <see cref="CompleteCallAsync"/> (success, error, timeout, cancelled;
/// dead letter when retries are exhausted) or <see cref="RequeueCallAsync"/> (queued again for a retry).
/// A running call whose lease ran out (its node died) is claimed again; a restarted node gives back its
/// own running calls at once with <see cref="RecoverNodeCallsAsync"/>. Delivery is therefore at least once,
/// but each attempt's end is exact: only the claim that holds the lease may end a call or queue it again,
/// so a node whose lease ran out never overwrites the end of an attempt another node ran.
/// Removing a fn (or its app) removes its calls, logs and queued payloads.
/// </remarks>
public interface ICallStore
{
    /// <summary>
    /// Stores a detached call and what to send to its container, in one transaction: durable when the
    /// task completes (the 202 is answered only after). <paramref name="call"/> has status
    /// <see cref="CallStates.Queued"/>, type <see cref="CallTypes.Detached"/>, zero attempts.
    /// </summary>
    Task EnqueueCallAsync(Call call, CallPayload payload, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="max"/> calls for <paramref name="nodeName"/>, fairly across fns (the fn
    /// with the fewest running calls first, then the oldest call, see <see cref="Sql.SqlDataStore.ClaimCallsAsync"/>): queued
    /// calls whose <see cref="Call.NextAttemptAt"/> is unset or not after <paramref name="now"/>, and
    /// running calls whose lease ended before <paramref name="now"/>. Each becomes running, with
    /// <see cref="Call.StartedAt"/> = <paramref name="now"/>, one more attempt and a lease until
    /// <paramref name="now"/> + <paramref name="lease"/>. Two concurrent claims never return the same call.
    /// </summary>
    /// <returns>The claimed calls (as now stored) with their payloads; empty when none is due.</returns>
    Task<IReadOnlyList<ClaimedCall>> ClaimCallsAsync(string nodeName, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken);

    /// <summary>Extends the leases of <paramref name="nodeName"/>'s running calls <paramref name="callIds"/> to <paramref name="until"/>; calls no longer leased to it are left alone.</summary>
    Task ExtendLeasesAsync(string nodeName, IReadOnlyCollection<string> callIds, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>
    /// Returns the running calls leased to <paramref name="nodeName"/> to the queue, due at once (used at
    /// start-up: a node that restarted runs none of them any more).
    /// </summary>
    /// <returns>How many calls were given back.</returns>
    Task<int> RecoverNodeCallsAsync(string nodeName, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the end of a detached call's attempt as final, if <paramref name="lease"/> still holds the
    /// call: <paramref name="call"/> carries its end status, status code, error, times, container, attempts
    /// and dead-letter flag. Its payload is dropped unless it is a dead letter (kept to re-drive it);
    /// <paramref name="log"/>, when given, becomes its log. <paramref name="followUp"/>, when given, is queued
    /// in the same transaction (a destination of the call): it is stored exactly when the end is.
    /// </summary>
    /// <returns>
    /// <see cref="LeasedWrite.Stored"/>; <see cref="LeasedWrite.LeaseLost"/> when the call is no longer
    /// running under <paramref name="lease"/> (another node took it after the lease ran out), and then
    /// nothing is written; <see cref="LeasedWrite.CallRemoved"/> when the call was removed with its fn.
    /// </returns>
    Task<LeasedWrite> CompleteCallAsync(Call call, CallLease lease, CallLog? log, FollowUpCall? followUp, CancellationToken cancellationToken);

    /// <summary>
    /// Puts a running detached call back in the queue for another attempt at <paramref name="nextAttemptAt"/>,
    /// with the failed attempt's <paramref name="error"/>, if <paramref name="lease"/> still holds it.
    /// <paramref name="countAttempt"/> false undoes the claim's attempt count (the attempt never reached a
    /// container, for example the node was too busy).
    /// </summary>
    /// <returns>As for <see cref="CompleteCallAsync"/>: nothing is written unless the lease still holds the call.</returns>
    Task<LeasedWrite> RequeueCallAsync(string callId, CallLease lease, DateTimeOffset nextAttemptAt, string? error, bool countAttempt, CancellationToken cancellationToken);

    /// <summary>
    /// Re-drives a dead letter: queues it again, due at <paramref name="now"/>, with its attempts reset to
    /// zero and its end fields cleared.
    /// </summary>
    /// <returns>The call as now stored, or <see langword="null"/> when the fn has no such call.</returns>
    /// <exception cref="ApiException">409 when the call is not a dead letter.</exception>
    Task<Call?> RedriveCallAsync(string fnId, string callId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the records (and logs) of ended synchronous calls in one transaction, written in batches
    /// off the call path. A record whose id exists already is left as it is. A record or log whose fn is no longer
    /// stored (the call ended after its fn or app was removed) is dropped: a fn's calls go with it, including those that
    /// were running at its removal.
    /// </summary>
    Task InsertCallRecordsAsync(IReadOnlyList<Call> calls, IReadOnlyList<CallLog> logs, CancellationToken cancellationToken);

    /// <summary>Returns the call <paramref name="callId"/> of fn <paramref name="fnId"/>, or <see langword="null"/>.</summary>
    Task<Call?> GetCallAsync(string fnId, string callId, CancellationToken cancellationToken);

    /// <summary>Returns one page of a fn's calls, newest first (by id), after the filter's cursor.</summary>
    Task<Page<Call>> GetCallsAsync(CallFilter filter, CancellationToken cancellationToken);

    /// <summary>Returns the log of call <paramref name="callId"/> of fn <paramref name="fnId"/>, or <see langword="null"/> when none was stored.</summary>
    Task<CallLog?> GetCallLogAsync(string fnId, string callId, CancellationToken cancellationToken);

    /// <summary>
    /// Removes ended calls completed before <paramref name="completedBefore"/>, dead letters included,
    /// with their logs and payloads; queued and running calls are never removed.
    /// </summary>
    /// <returns>How many calls were removed.</returns>
    Task<int> PruneCallsAsync(DateTimeOffset completedBefore, CancellationToken cancellationToken);
}

/// <summary>What a detached call sends to its container, stored with it until it ends.</summary>
/// <param name="Headers">The headers for the container, in order (already rewritten for a trigger call).</param>
/// <param name="Body">The request body (at most <c>FN_MAX_REQUEST_SIZE</c> bytes).</param>
public sealed record CallPayload(IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body);

/// <summary>A call a worker claimed, with its payload and lease.</summary>
/// <param name="Call">The call as stored after the claim (running, leased).</param>
/// <param name="Payload">What to send to its container.</param>
/// <param name="Lease">The claim, which the call's end or return to the queue must name.</param>
public sealed record ClaimedCall(Call Call, CallPayload Payload, CallLease Lease);

/// <summary>The output of one call, as text.</summary>
/// <param name="CallId">The call's id.</param>
/// <param name="FnId">The call's fn.</param>
/// <param name="Text">The lines the container wrote during the call, each ending in <c>\n</c>, at most <c>FN_MAX_LOG_SIZE_BYTES</c> of UTF-8 plus a truncation marker line.</param>
public sealed record CallLog(string CallId, string FnId, string Text);

/// <summary>Which calls of a fn a list returns, newest first; its time window is on their creation.</summary>
public sealed record CallFilter : NewestFirstFilter
{
    /// <summary>The fn whose calls are listed (required).</summary>
    public required string FnId { get; init; }

    /// <summary>Only calls with this status (one of <see cref="CallStates"/>), when set.</summary>
    public string? Status { get; init; }

    /// <summary>Only dead letters (<see langword="true"/>) or only others (<see langword="false"/>), when set.</summary>
    public bool? DeadLetter { get; init; }
}
