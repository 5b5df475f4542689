using System.Threading.Channels;
using FnSharp.Core.Models;
using FnSharp.Core.Storage;

namespace FnSharp.Server.Tests.Calls;

/// <summary>
/// A call store for the unit tests of the recorder and the pruner: keeps what they write, can fail on
/// demand, and reports each attempt on a channel so that tests wait for it instead of sleeping.
/// </summary>
internal sealed class RecordingCallStore : ICallStore
{
    private int _insertAttempts;

    /// <summary>The batches written, copied at the time of the write.</summary>
    public List<(List<Call> Calls, List<CallLog> Logs)> Batches { get; } = [];

    /// <summary>The number of every insert attempt (1, 2, ...), successful or not, in order.</summary>
    public Channel<int> InsertAttempts { get; } = Channel.CreateUnbounded<int>();

    /// <summary>The times pruning was asked for, in order.</summary>
    public Channel<DateTimeOffset> Prunes { get; } = Channel.CreateUnbounded<DateTimeOffset>();

    /// <summary>Decides whether insert attempt N fails: return an exception to throw, or <see langword="null"/> to succeed.</summary>
    public Func<int, Exception?> InsertFailure { get; set; } = _ => null;

    /// <summary>What <see cref="PruneCallsAsync"/> answers, or throws.</summary>
    public Func<DateTimeOffset, int> Prune { get; set; } = _ => 0;

    public Task InsertCallRecordsAsync(IReadOnlyList<Call> calls, IReadOnlyList<CallLog> logs, CancellationToken cancellationToken)
    {
        var attempt = Interlocked.Increment(ref _insertAttempts);
        var failure = InsertFailure(attempt);
        if (failure is null)
        {
            lock (Batches)
            {
                Batches.Add(([.. calls], [.. logs]));
            }
        }

        // Reported after the batch is kept, so that a test awaiting the attempt sees it.
        InsertAttempts.Writer.TryWrite(attempt);
        return failure is null ? Task.CompletedTask : Task.FromException(failure);
    }

    public Task<int> PruneCallsAsync(DateTimeOffset completedBefore, CancellationToken cancellationToken)
    {
        Prunes.Writer.TryWrite(completedBefore);
        return Task.FromResult(Prune(completedBefore));
    }

    public Task EnqueueCallAsync(Call call, CallPayload payload, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<ClaimedCall>> ClaimCallsAsync(string nodeName, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task ExtendLeasesAsync(string nodeName, IReadOnlyCollection<string> callIds, DateTimeOffset until, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<int> RecoverNodeCallsAsync(string nodeName, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<LeasedWrite> CompleteCallAsync(Call call, CallLease lease, CallLog? log, FollowUpCall? followUp, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<LeasedWrite> RequeueCallAsync(string callId, CallLease lease, DateTimeOffset nextAttemptAt, string? error, bool countAttempt, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<Call?> RedriveCallAsync(string fnId, string callId, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<Call?> GetCallAsync(string fnId, string callId, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<Page<Call>> GetCallsAsync(CallFilter filter, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<CallLog?> GetCallLogAsync(string fnId, string callId, CancellationToken cancellationToken) => throw new NotSupportedException();
}
