using System.Collections.Concurrent;
using System.Threading.Channels;
using FnSharp.Core.Models;
using FnSharp.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FnSharp.Cli.Tests;

/// <summary>
/// The server's call store, with every attempt's end of a detached call reported once it is stored
/// (completed, dead-lettered or queued again for a retry), and every record of a synchronous call once
/// the recorder has written it, so that a test waits for "this call is stored" before it reads the call
/// through the CLI, instead of sleeping or polling.
/// </summary>
internal sealed class ObservedCallStore(ICallStore inner) : ICallStore
{
    // Written by the server's worker and call recorder through this store (one write per stored attempt or record), read by the
    // test; unbounded because a test makes a handful of attempts.
    private readonly ConcurrentDictionary<string, Channel<StoredAttempt>> _attempts = new(StringComparer.Ordinal);

    /// <summary>Replaces the server's <see cref="ICallStore"/> with one that wraps it.</summary>
    public static void Register(IServiceCollection services)
    {
        var server = services.Last(d => d.ServiceType == typeof(ICallStore));
        services.Remove(server);
        services.AddSingleton<ICallStore>(sp => new ObservedCallStore((ICallStore)(
            server.ImplementationInstance
            ?? server.ImplementationFactory?.Invoke(sp)
            ?? ActivatorUtilities.CreateInstance(sp, server.ImplementationType!))));
    }

    /// <summary>The next stored attempt of <paramref name="callId"/>.</summary>
    public Task<StoredAttempt> NextAttemptAsync(string callId) =>
        // A failsafe against a hung test, not a timing assertion.
        ChannelOf(callId).Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

    public async Task<LeasedWrite> CompleteCallAsync(Call call, CallLease lease, CallLog? log, FollowUpCall? followUp, CancellationToken cancellationToken)
    {
        var write = await inner.CompleteCallAsync(call, lease, log, followUp, cancellationToken);
        ChannelOf(call.Id).Writer.TryWrite(new StoredAttempt(call.Status, call.DeadLetter));
        return write;
    }

    public async Task<LeasedWrite> RequeueCallAsync(string callId, CallLease lease, DateTimeOffset nextAttemptAt, string? error, bool countAttempt, CancellationToken cancellationToken)
    {
        var write = await inner.RequeueCallAsync(callId, lease, nextAttemptAt, error, countAttempt, cancellationToken);
        ChannelOf(callId).Writer.TryWrite(new StoredAttempt(CallStates.Queued, DeadLetter: false));
        return write;
    }

    public Task EnqueueCallAsync(Call call, CallPayload payload, CancellationToken cancellationToken) => inner.EnqueueCallAsync(call, payload, cancellationToken);

    public Task<IReadOnlyList<ClaimedCall>> ClaimCallsAsync(string nodeName, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken) =>
        inner.ClaimCallsAsync(nodeName, now, lease, max, cancellationToken);

    public Task ExtendLeasesAsync(string nodeName, IReadOnlyCollection<string> callIds, DateTimeOffset until, CancellationToken cancellationToken) =>
        inner.ExtendLeasesAsync(nodeName, callIds, until, cancellationToken);

    public Task<int> RecoverNodeCallsAsync(string nodeName, CancellationToken cancellationToken) => inner.RecoverNodeCallsAsync(nodeName, cancellationToken);

    public Task<Call?> RedriveCallAsync(string fnId, string callId, DateTimeOffset now, CancellationToken cancellationToken) =>
        inner.RedriveCallAsync(fnId, callId, now, cancellationToken);

    public async Task InsertCallRecordsAsync(IReadOnlyList<Call> calls, IReadOnlyList<CallLog> logs, CancellationToken cancellationToken)
    {
        await inner.InsertCallRecordsAsync(calls, logs, cancellationToken);
        foreach (var call in calls)
        {
            ChannelOf(call.Id).Writer.TryWrite(new StoredAttempt(call.Status, call.DeadLetter));
        }
    }

    public Task<Call?> GetCallAsync(string fnId, string callId, CancellationToken cancellationToken) => inner.GetCallAsync(fnId, callId, cancellationToken);

    public Task<Page<Call>> GetCallsAsync(CallFilter filter, CancellationToken cancellationToken) => inner.GetCallsAsync(filter, cancellationToken);

    public Task<CallLog?> GetCallLogAsync(string fnId, string callId, CancellationToken cancellationToken) => inner.GetCallLogAsync(fnId, callId, cancellationToken);

    public Task<int> PruneCallsAsync(DateTimeOffset completedBefore, CancellationToken cancellationToken) => inner.PruneCallsAsync(completedBefore, cancellationToken);

    private Channel<StoredAttempt> ChannelOf(string callId) => _attempts.GetOrAdd(callId, _ => Channel.CreateUnbounded<StoredAttempt>());
}
