using FnSharp.Agent.Calls;
using FnSharp.Agent.Resources;
using Microsoft.Extensions.Logging;

namespace FnSharp.Agent.Runner.Admission;

/// <summary>
/// Decides whether a call may enter the runner and wait for a container, and answers the calls it turns
/// away: 400 at once when the fn's memory can never fit the node, 503 too busy with <c>Retry-After</c>
/// while the runner stops, when the call may not wait at all (<c>FN_MAX_WAIT_MSECS</c> or its own wait
/// deadline), when its fn's queue (<c>FN_MAX_QUEUED_PER_FN</c>) or the node's (<c>FN_MAX_QUEUED_TOTAL</c>)
/// is full, or when its wait ran out. Each refusal is one log line and one count naming the limit. It keeps
/// the node's count of waiting calls; the per-fn count is the slot queue's, which asks under its own lock.
/// </summary>
internal sealed class CallAdmission
{
    private readonly AgentOptions _options;
    private readonly ResourceTracker _tracker;
    private readonly AgentMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private int _queued;

    public CallAdmission(AgentOptions options, ResourceTracker tracker, AgentMetrics metrics, TimeProvider time, ILogger logger)
    {
        _options = options;
        _tracker = tracker;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// The first check of every call: <see langword="null"/> when it may go to its slot queue, else its
    /// answer: too busy while the runner is <paramref name="stopping"/>, cannot allocate when the fn asks
    /// more memory than containers may ever have (the async share for an async call).
    /// </summary>
    public CallResult? Admit(CallRequest call, bool stopping)
    {
        if (stopping)
        {
            return Refuse(call, TooBusyLimit.ShuttingDown);
        }

        if (!_tracker.CanEverFit(call.Fn.Memory, call.IsAsync))
        {
            RunnerLog.CannotAllocate(_logger, call.CallId, call.Fn.Id, call.Fn.Memory, call.IsAsync ? _tracker.AsyncMemoryMiB : _tracker.TotalMemoryMiB);
            return CallResult.Failed(CallStatus.CannotAllocate, CallErrors.CannotAllocate);
        }

        return null;
    }

    /// <summary>
    /// How long <paramref name="call"/> may wait for a container from now: <c>FN_MAX_WAIT_MSECS</c>, or less
    /// when the call's own wait deadline comes first (zero or less: it may not wait).
    /// </summary>
    public TimeSpan WaitLimit(CallRequest call)
    {
        var waitLimit = TimeSpan.FromMilliseconds(_options.MaxWaitMs);
        if (call.WaitDeadline is { } deadline && deadline - _time.GetUtcNow() < waitLimit)
        {
            waitLimit = deadline - _time.GetUtcNow();
        }

        return waitLimit;
    }

    /// <summary>
    /// Whether a call that found no idle container may wait for one, with <paramref name="waitingInFn"/>
    /// calls of its slot queue waiting already. <see langword="null"/>: it may, and holds a place in the
    /// node's queue until <see cref="LeaveQueue"/>; else the limit that refuses it. Called under the slot
    /// queue's lock: it takes no lock of its own.
    /// </summary>
    public TooBusyLimit? TryEnterQueue(TimeSpan waitLimit, int waitingInFn)
    {
        if (waitLimit <= TimeSpan.Zero)
        {
            return TooBusyLimit.WaitTime;
        }

        if (waitingInFn >= _options.MaxQueuedPerFn)
        {
            return TooBusyLimit.FnQueue;
        }

        var queued = Volatile.Read(ref _queued);
        while (queued < _options.MaxQueuedTotal)
        {
            var seen = Interlocked.CompareExchange(ref _queued, queued + 1, queued);
            if (seen == queued)
            {
                return null;
            }

            queued = seen;
        }

        return TooBusyLimit.TotalQueue;
    }

    /// <summary>Gives back the place in the node's queue of a call that stopped waiting.</summary>
    public void LeaveQueue() => Interlocked.Decrement(ref _queued);

    /// <summary>Refuses <paramref name="call"/> as too busy (503 with <c>Retry-After</c>): one log line and one count naming <paramref name="limit"/>.</summary>
    public CallResult Refuse(CallRequest call, TooBusyLimit limit)
    {
        _metrics.TooBusy.Add(1, AgentMetrics.Fn(call.Fn.Id), new("limit", AgentMetrics.Label(limit)));
        switch (limit)
        {
            case TooBusyLimit.WaitTime:
                RunnerLog.RefusedWaitTime(_logger, call.CallId, call.Fn.Id, _options.MaxWaitMs);
                break;
            case TooBusyLimit.FnQueue:
                RunnerLog.RefusedFnQueue(_logger, call.CallId, call.Fn.Id, _options.MaxQueuedPerFn);
                break;
            case TooBusyLimit.TotalQueue:
                RunnerLog.RefusedTotalQueue(_logger, call.CallId, call.Fn.Id, _options.MaxQueuedTotal);
                break;
            default:
                RunnerLog.RefusedShuttingDown(_logger, call.CallId, call.Fn.Id);
                break;
        }

        return CallResult.TooBusy(TimeSpan.FromSeconds(_options.RetryAfterSeconds));
    }
}
