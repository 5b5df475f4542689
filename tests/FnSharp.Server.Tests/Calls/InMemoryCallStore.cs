using FnSharp.Core.Errors;
using FnSharp.Core.Models;
using FnSharp.Core.Storage;

namespace FnSharp.Server.Tests.Calls;

/// <summary>
/// The queue of <see cref="ICallStore"/> in memory, following its documented contract, for the tests of
/// detached calls while the SQL stores do not implement it yet. Thread-safe (one lock).
/// </summary>
internal sealed class InMemoryCallStore : ICallStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _calls = new(StringComparer.Ordinal);

    public Task EnqueueCallAsync(Call call, CallPayload payload, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _calls.Add(call.Id, new Entry { Call = call, Payload = payload });
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ClaimedCall>> ClaimCallsAsync(string nodeName, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var due = _calls.Values
                .Where(e => (e.Call.Status == CallStates.Queued && (e.Call.NextAttemptAt is null || e.Call.NextAttemptAt <= now))
                    || (e.Call.Status == CallStates.Running && e.LeaseUntil < now))
                .OrderBy(e => e.Call.Id, StringComparer.Ordinal)
                .Take(max)
                .ToList();
            foreach (var entry in due)
            {
                entry.Call = entry.Call with { Status = CallStates.Running, StartedAt = now, Attempts = entry.Call.Attempts + 1, NextAttemptAt = null };
                entry.Node = nodeName;
                entry.LeaseUntil = now + lease;
            }

            return Task.FromResult<IReadOnlyList<ClaimedCall>>([.. due.Select(e => new ClaimedCall(e.Call, e.Payload!))]);
        }
    }

    public Task ExtendLeasesAsync(string nodeName, IReadOnlyCollection<string> callIds, DateTimeOffset until, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            foreach (var id in callIds)
            {
                if (_calls.TryGetValue(id, out var entry) && entry.Call.Status == CallStates.Running && entry.Node == nodeName)
                {
                    entry.LeaseUntil = until;
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<int> RecoverNodeCallsAsync(string nodeName, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var mine = _calls.Values.Where(e => e.Call.Status == CallStates.Running && e.Node == nodeName).ToList();
            foreach (var entry in mine)
            {
                entry.Call = entry.Call with { Status = CallStates.Queued, NextAttemptAt = null };
                entry.Node = null;
            }

            return Task.FromResult(mine.Count);
        }
    }

    public Task CompleteCallAsync(Call call, CallLog? log, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_calls.TryGetValue(call.Id, out var entry))
            {
                entry.Call = call;
                entry.Node = null;
                entry.Log = log;
                entry.Payload = call.DeadLetter ? entry.Payload : null;
            }
        }

        return Task.CompletedTask;
    }

    public Task RequeueCallAsync(string callId, DateTimeOffset nextAttemptAt, string? error, bool countAttempt, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_calls.TryGetValue(callId, out var entry) && entry.Call.Status == CallStates.Running)
            {
                entry.Call = entry.Call with
                {
                    Status = CallStates.Queued,
                    NextAttemptAt = nextAttemptAt,
                    Error = error,
                    Attempts = countAttempt ? entry.Call.Attempts : entry.Call.Attempts - 1,
                };
                entry.Node = null;
            }
        }

        return Task.CompletedTask;
    }

    public Task<Call?> RedriveCallAsync(string fnId, string callId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_calls.TryGetValue(callId, out var entry) || entry.Call.FnId != fnId)
            {
                return Task.FromResult<Call?>(null);
            }

            if (!entry.Call.DeadLetter)
            {
                throw new ApiException(new ApiError(409, "Call is not a dead letter"));
            }

            entry.Call = entry.Call with
            {
                Status = CallStates.Queued,
                NextAttemptAt = now,
                Attempts = 0,
                StatusCode = null,
                Error = null,
                StartedAt = null,
                CompletedAt = null,
                ContainerId = null,
                DeadLetter = false,
            };
            return Task.FromResult<Call?>(entry.Call);
        }
    }

    public Task InsertCallRecordsAsync(IReadOnlyList<Call> calls, IReadOnlyList<CallLog> logs, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<Call?> GetCallAsync(string fnId, string callId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_calls.TryGetValue(callId, out var entry) && entry.Call.FnId == fnId ? entry.Call : null);
        }
    }

    public Task<Page<Call>> GetCallsAsync(CallFilter filter, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<CallLog?> GetCallLogAsync(string fnId, string callId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_calls.TryGetValue(callId, out var entry) && entry.Call.FnId == fnId ? entry.Log : null);
        }
    }

    public Task<int> PruneCallsAsync(DateTimeOffset completedBefore, CancellationToken cancellationToken) => Task.FromResult(0);

    private sealed class Entry
    {
        public required Call Call { get; set; }

        public CallPayload? Payload { get; set; }

        public CallLog? Log { get; set; }

        public string? Node { get; set; }

        public DateTimeOffset LeaseUntil { get; set; }
    }
}
