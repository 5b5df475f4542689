using FnSharp.Core.Models;
using FnSharp.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FnSharp.Server.Tests.Triggers;

/// <summary>
/// The server's call store, whose first <see cref="EnqueueCallAsync"/> fails: before it stores the call
/// (the datastore refused it), or after (the call committed, but the caller sees a failure, as when the
/// connection drops during the commit's answer). Everything else goes to the server's store.
/// </summary>
internal sealed class FailingEnqueueCallStore(ICallStore inner, bool storeThenFail) : ICallStore
{
    private int _enqueues;

    /// <summary>Replaces the server's <see cref="ICallStore"/> with one that wraps it.</summary>
    public static void Register(IServiceCollection services, bool storeThenFail)
    {
        var server = services.Last(d => d.ServiceType == typeof(ICallStore));
        services.Remove(server);
        services.AddSingleton<ICallStore>(sp => new FailingEnqueueCallStore(
            (ICallStore)(server.ImplementationInstance ?? server.ImplementationFactory?.Invoke(sp) ?? ActivatorUtilities.CreateInstance(sp, server.ImplementationType!)),
            storeThenFail));
    }

    /// <summary>How many calls were asked to be stored, the failed one included.</summary>
    public int Enqueues => Volatile.Read(ref _enqueues);

    public async Task EnqueueCallAsync(Call call, CallPayload payload, CancellationToken cancellationToken)
    {
        var first = Interlocked.Increment(ref _enqueues) == 1;
        if (first && !storeThenFail)
        {
            throw new InvalidOperationException("the datastore refused the call (a test's failure)");
        }

        await inner.EnqueueCallAsync(call, payload, cancellationToken);
        if (first)
        {
            throw new TimeoutException("the commit's answer was lost (a test's failure)");
        }
    }

    public Task<IReadOnlyList<ClaimedCall>> ClaimCallsAsync(string nodeName, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken) => inner.ClaimCallsAsync(nodeName, now, lease, max, cancellationToken);

    public Task ExtendLeasesAsync(string nodeName, IReadOnlyCollection<string> callIds, DateTimeOffset until, CancellationToken cancellationToken) => inner.ExtendLeasesAsync(nodeName, callIds, until, cancellationToken);

    public Task<int> RecoverNodeCallsAsync(string nodeName, CancellationToken cancellationToken) => inner.RecoverNodeCallsAsync(nodeName, cancellationToken);

    public Task<LeasedWrite> CompleteCallAsync(Call call, CallLease lease, CallLog? log, FollowUpCall? followUp, CancellationToken cancellationToken) => inner.CompleteCallAsync(call, lease, log, followUp, cancellationToken);

    public Task<LeasedWrite> RequeueCallAsync(string callId, CallLease lease, DateTimeOffset nextAttemptAt, string? error, bool countAttempt, CancellationToken cancellationToken) =>
        inner.RequeueCallAsync(callId, lease, nextAttemptAt, error, countAttempt, cancellationToken);

    public Task<Call?> RedriveCallAsync(string fnId, string callId, DateTimeOffset now, CancellationToken cancellationToken) => inner.RedriveCallAsync(fnId, callId, now, cancellationToken);

    public Task InsertCallRecordsAsync(IReadOnlyList<Call> calls, IReadOnlyList<CallLog> logs, CancellationToken cancellationToken) => inner.InsertCallRecordsAsync(calls, logs, cancellationToken);

    public Task<Call?> GetCallAsync(string fnId, string callId, CancellationToken cancellationToken) => inner.GetCallAsync(fnId, callId, cancellationToken);

    public Task<Page<Call>> GetCallsAsync(CallFilter filter, CancellationToken cancellationToken) => inner.GetCallsAsync(filter, cancellationToken);

    public Task<CallLog?> GetCallLogAsync(string fnId, string callId, CancellationToken cancellationToken) => inner.GetCallLogAsync(fnId, callId, cancellationToken);

    public Task<int> PruneCallsAsync(DateTimeOffset completedBefore, CancellationToken cancellationToken) => inner.PruneCallsAsync(completedBefore, cancellationToken);
}
