namespace FnSharp.Server.Hosting;

/// <summary>
/// The <see cref="ICallStore"/> of the datastore <see cref="StoreHolder"/> opens (the same instance as
/// <see cref="IDataStore"/>). Hosted services are built before <see cref="ServerLifetime"/> opens the
/// store, so a background service may take this in its constructor; each method goes to the opened
/// store and fails with <see cref="InvalidOperationException"/> when used before it is open.
/// </summary>
internal sealed class DeferredCallStore(StoreHolder holder) : ICallStore
{
    private ICallStore Calls => holder.Store as ICallStore
        ?? throw new InvalidOperationException($"The datastore {holder.Store.GetType().Name} does not keep calls.");

    public Task EnqueueCallAsync(Call call, CallPayload payload, CancellationToken cancellationToken) =>
        Calls.EnqueueCallAsync(call, payload, cancellationToken);

    public Task<IReadOnlyList<ClaimedCall>> ClaimCallsAsync(string nodeName, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken) =>
        Calls.ClaimCallsAsync(nodeName, now, lease, max, cancellationToken);

    public Task ExtendLeasesAsync(string nodeName, IReadOnlyCollection<string> callIds, DateTimeOffset until, CancellationToken cancellationToken) =>
        Calls.ExtendLeasesAsync(nodeName, callIds, until, cancellationToken);

    public Task<int> RecoverNodeCallsAsync(string nodeName, CancellationToken cancellationToken) =>
        Calls.RecoverNodeCallsAsync(nodeName, cancellationToken);

    public Task<LeasedWrite> CompleteCallAsync(Call call, CallLease lease, CallLog? log, FollowUpCall? followUp, CancellationToken cancellationToken) =>
        Calls.CompleteCallAsync(call, lease, log, followUp, cancellationToken);

    public Task<LeasedWrite> RequeueCallAsync(string callId, CallLease lease, DateTimeOffset nextAttemptAt, string? error, bool countAttempt, CancellationToken cancellationToken) =>
        Calls.RequeueCallAsync(callId, lease, nextAttemptAt, error, countAttempt, cancellationToken);

    public Task<Call?> RedriveCallAsync(string fnId, string callId, DateTimeOffset now, CancellationToken cancellationToken) =>
        Calls.RedriveCallAsync(fnId, callId, now, cancellationToken);

    public Task InsertCallRecordsAsync(IReadOnlyList<Call> calls, IReadOnlyList<CallLog> logs, CancellationToken cancellationToken) =>
        Calls.InsertCallRecordsAsync(calls, logs, cancellationToken);

    public Task<Call?> GetCallAsync(string fnId, string callId, CancellationToken cancellationToken) =>
        Calls.GetCallAsync(fnId, callId, cancellationToken);

    public Task<Page<Call>> GetCallsAsync(CallFilter filter, CancellationToken cancellationToken) =>
        Calls.GetCallsAsync(filter, cancellationToken);

    public Task<CallLog?> GetCallLogAsync(string fnId, string callId, CancellationToken cancellationToken) =>
        Calls.GetCallLogAsync(fnId, callId, cancellationToken);

    public Task<int> PruneCallsAsync(DateTimeOffset completedBefore, CancellationToken cancellationToken) =>
        Calls.PruneCallsAsync(completedBefore, cancellationToken);
}
