using FnSharp.Agent.Resources;

namespace FnSharp.Agent.Runner.Admission;

/// <summary>
/// Decides whether a call may enter the runner and wait for a container, and answers the calls it turns
/// away: 400 at once when the fn's memory can never fit the node, 503 too busy with <c>Retry-After</c>
/// while the runner stops, when the call may not wait at all (<c>FN_MAX_WAIT_MSECS</c> or its own wait
/// deadline), when its fn's queue (<c>FN_MAX_QUEUED_PER_FN</c>) or the node's (<c>FN_MAX_QUEUED_TOTAL</c>)
/// is full, at once when its container depends on a start that the node's start backlog cannot finish
/// before its wait ends (with a <c>Retry-After</c> of the estimate), or when its wait ran out (for memory
/// that was never free, or otherwise). Each refusal is one log line naming the fn and the limit, one count
/// tagged with the limit, and a body whose <c>reason</c> and <c>detail</c> name it. It keeps
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
            var totalMiB = call.IsAsync ? _tracker.AsyncMemoryMiB : _tracker.TotalMemoryMiB;
            RunnerLog.CannotAllocate(_logger, call.CallId, call.Fn.Id, call.Fn.Memory, totalMiB);
            // The amounts go into the call's log too, as a start failure's reason does (issue 15).
            var refusal = CallErrors.CannotAllocate(call.Fn.Memory, totalMiB, call.IsAsync, _tracker.MemoryBound);
            return CallResult.Failed(CallStatus.CannotAllocate, refusal, refusal.Message);
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
    /// <param name="waitLimit">How long the call may wait (<see cref="WaitLimit"/>).</param>
    /// <param name="waitingInFn">Calls of its slot queue waiting already.</param>
    /// <param name="readyIn">
    /// When the call's container would be ready, if it depends on a start (the fn has no container running
    /// that could serve it first); <see langword="null"/> when a running container will serve it. Longer than
    /// <paramref name="waitLimit"/>: refused at once for the start backlog rather than after the whole wait.
    /// </param>
    public TooBusyLimit? TryEnterQueue(TimeSpan waitLimit, int waitingInFn, TimeSpan? readyIn = null)
    {
        if (waitLimit <= TimeSpan.Zero)
        {
            return TooBusyLimit.WaitTime;
        }

        if (waitingInFn >= _options.MaxQueuedPerFn)
        {
            return TooBusyLimit.FnQueue;
        }

        if (readyIn > waitLimit)
        {
            return TooBusyLimit.StartBacklog;
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

    /// <summary>
    /// Refuses <paramref name="call"/> as too busy (503 with <c>Retry-After</c>): one log line naming the fn and
    /// <paramref name="limit"/>, one count tagged with it, and the body's <c>reason</c> and <c>detail</c>.
    /// </summary>
    /// <param name="call">The call refused.</param>
    /// <param name="limit">The limit that refused it.</param>
    /// <param name="retryAfter">An estimate of when a retry can be served (the start backlog's); else <c>FN_RETRY_AFTER_SECS</c>.</param>
    public CallResult Refuse(CallRequest call, TooBusyLimit limit, TimeSpan? retryAfter = null)
    {
        var fnId = call.Fn.Id;
        var after = TimeSpan.FromSeconds(Math.Max(_options.RetryAfterSeconds, Math.Ceiling((retryAfter ?? TimeSpan.Zero).TotalSeconds)));
        _metrics.TooBusy.Add(1, AgentMetrics.Fn(fnId), new("limit", AgentMetrics.Label(limit)));
        string detail;
        switch (limit)
        {
            case TooBusyLimit.WaitTime:
                RunnerLog.RefusedWaitTime(_logger, call.CallId, fnId, _options.MaxWaitMs);
                detail = Invariant($"No container of the fn was free within the wait of {_options.MaxWaitMs} ms (FN_MAX_WAIT_MSECS) or the call's deadline.");
                break;
            case TooBusyLimit.FnQueue:
                RunnerLog.RefusedFnQueue(_logger, call.CallId, fnId, _options.MaxQueuedPerFn);
                detail = Invariant($"The fn already has {_options.MaxQueuedPerFn} calls waiting for a container (FN_MAX_QUEUED_PER_FN).");
                break;
            case TooBusyLimit.TotalQueue:
                RunnerLog.RefusedTotalQueue(_logger, call.CallId, fnId, _options.MaxQueuedTotal);
                detail = Invariant($"The server already has {_options.MaxQueuedTotal} calls waiting for a container (FN_MAX_QUEUED_TOTAL).");
                break;
            case TooBusyLimit.StartBacklog:
                RunnerLog.RefusedStartBacklog(_logger, call.CallId, fnId, after.TotalSeconds, _options.MaxWaitMs);
                detail = Invariant($"The fn has no container yet and the server's backlog of container starts would start one in about {after.TotalSeconds:F0} s, later than the call may wait ({_options.MaxWaitMs} ms, FN_MAX_WAIT_MSECS, or the call's deadline). The container is being started: retry after Retry-After.");
                break;
            case TooBusyLimit.Memory:
                RunnerLog.RefusedMemory(_logger, call.CallId, fnId, call.Fn.Memory, _tracker.TotalMemoryMiB);
                detail = Invariant($"No memory was free for a container of the fn ({call.Fn.Memory} MiB) within the wait: the server's {_tracker.TotalMemoryMiB} MiB for containers are held by containers that are running calls, starting, or kept hot (fnsharp.io/min-hot).");
                break;
            case TooBusyLimit.ConcurrencyCap:
                var cap = Core.Models.FnSharpAnnotations.MaxConcurrencyOf(call.Fn.Annotations) ?? 0;
                RunnerLog.RefusedConcurrencyCap(_logger, call.CallId, fnId, cap);
                detail = Invariant($"The fn ran {cap} calls at once, its cap (annotation {Core.Models.FnSharpAnnotations.MaxConcurrency}), for the whole wait of the call.");
                break;
            default:
                RunnerLog.RefusedShuttingDown(_logger, call.CallId, fnId);
                detail = "The server is shutting down.";
                break;
        }

        return CallResult.TooBusy(after, limit, detail);
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
