using System.Collections.Concurrent;
using FnSharp.Agent.Calls;
using FnSharp.Agent.Runner;
using FnSharp.Core.Models;
using FnSharp.Core.Storage;
using FnSharp.Server.Configuration;
using FnSharp.Server.Invocation;
using Microsoft.Extensions.Options;

namespace FnSharp.Server.Detached;

/// <summary>
/// Runs detached calls from the durable queue of <see cref="ICallStore"/> (<c>docs/api.md</c>,
/// "Detached calls"). At start it takes back the calls this node (<c>FN_NODE_NAME</c>) was running when
/// it stopped; then it claims due calls up to its free slots (<c>FN_ASYNC_MAX_CONCURRENT</c>), every
/// <c>FN_ASYNC_POLL_MSECS</c> or at once when woken (a call accepted, re-driven or finished here), runs
/// each through the <see cref="CallExecutor"/> as an async call of the agent (within the async memory
/// share), and stores the outcome: ended, queued again with backoff (<see cref="DetachedRetryPolicy"/>), or a dead letter, with the
/// call of its destination when its fn names one (<see cref="DetachedDestinations"/>). The leases of
/// running calls are renewed every third of <c>FN_ASYNC_LEASE_MSECS</c>, so a call is taken by another
/// node only when this one died. At shutdown it stops claiming, lets running calls finish within
/// <c>FN_SHUTDOWN_GRACE_MSECS</c>, and gives back the calls it cut off. Delivery is at least once.
/// </summary>
/// <remarks>
/// The options are read when used, not when the worker is built: reading them validates them, and a bad
/// setting must be reported by the host's start-up validation, not by the creation of the hosted services.
/// </remarks>
internal sealed partial class DetachedCallWorker(
    IServiceProvider services,
    CallExecutor executor,
    IOptions<DetachedCallOptions> options,
    IOptions<ServerOptions> server,
    IOptions<AgentOptions> agentOptions,
    TimeProvider time,
    DetachedCallMetrics metrics,
    DetachedDestinations destinations,
    IEnumerable<IDetachedCallObserver> observers,
    ILogger<DetachedCallWorker> logger) : BackgroundService, IHostedLifecycleService
{
    // The ids of the calls running here (the value is unused): their leases are renewed until their end is stored.
    private readonly ConcurrentDictionary<string, byte> _running = new(StringComparer.Ordinal);

    // The calls holding one of the FN_ASYNC_MAX_CONCURRENT slots: from their claim until the agent is done
    // with them, not while the worker waits for their late output (they no longer use a container then).
    private int _slotsInUse;
    private readonly CancellationTokenSource _cutOff = new();
    private readonly CancellationTokenSource _renewalStop = new();
    private readonly CancellationTokenSource _claimStop = new();
    private readonly Lock _stopLock = new();
    private TaskCompletionSource _wake = NewSignal();
    private TaskCompletionSource _idle = NewSignal();
    private Task _renewal = Task.CompletedTask;
    private Task? _stopped;
    private bool _disposed;
    private volatile bool _stopping;

    private DetachedCallOptions Settings => options.Value;

    private ServerOptions ServerSettings => server.Value;

    private TimeSpan ShutdownGrace => TimeSpan.FromMilliseconds(agentOptions.Value.ShutdownGraceMs);

    /// <summary>Makes the worker look for due calls now instead of at its next poll (a call was queued here).</summary>
    public void Wake() => Volatile.Read(ref _wake).TrySetResult();

    /// <summary>
    /// Stops claiming as soon as the host begins to stop, before any hosted service stops: the web
    /// server stops first and waits for the requests in flight (up to the host's shutdown timeout),
    /// and calls claimed meanwhile would only be cut off and given back.
    /// </summary>
    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        lock (_stopLock)
        {
            if (!_disposed)
            {
                _stopping = true;
                _claimStop.Cancel();
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Stops claiming, lets running calls finish within <c>FN_SHUTDOWN_GRACE_MSECS</c> (or until
    /// <paramref name="cancellationToken"/>, the host's shutdown timeout), then cuts the others off and
    /// queues them again without counting the attempt; what cannot be given back in time is recovered
    /// by this node's next start or by another node once its lease ends.
    /// </summary>
    /// <remarks>
    /// The host may call this twice (a test host stops the app while <c>RunAsync</c> stops it too), also
    /// after the container disposed the worker: every call awaits the one stop.
    /// </remarks>
    public override Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_stopLock)
        {
            // A host whose start failed is stopped after its services were disposed: nothing runs then.
            return _stopped ??= _disposed ? Task.CompletedTask : StopCoreAsync(cancellationToken);
        }
    }

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        await base.StopAsync(cancellationToken);
        if (!_running.IsEmpty)
        {
            LogDraining(logger, _running.Count, (long)ShutdownGrace.TotalMilliseconds);
            await WaitIdleAsync(ShutdownGrace, cancellationToken);
            if (!_running.IsEmpty)
            {
                LogCuttingOff(logger, _running.Count);
                await _cutOff.CancelAsync();
                await WaitIdleAsync(Timeout.InfiniteTimeSpan, cancellationToken);
            }
        }

        await _renewalStop.CancelAsync();
        await _renewal;
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        lock (_stopLock)
        {
            _disposed = true;
        }

        base.Dispose();
        _cutOff.Dispose();
        _renewalStop.Dispose();
        _claimStop.Dispose();
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken hostStopping)
    {
        using var claiming = CancellationTokenSource.CreateLinkedTokenSource(hostStopping, _claimStop.Token);
        var stoppingToken = claiming.Token;
        if (Settings.MaxConcurrent == 0)
        {
            LogWorkerOff(logger);
            return;
        }

        // Resolved here, not in the constructor: the store opens when the server starts (ServerLifetime),
        // after the hosted services are created.
        ICallStore calls;
        IDataStore store;
        try
        {
            calls = services.GetRequiredService<ICallStore>();
            store = services.GetRequiredService<IDataStore>();
        }
        catch (InvalidOperationException e)
        {
            LogNoCallStore(logger, e);
            return;
        }

        try
        {
            var recovered = await calls.RecoverNodeCallsAsync(ServerSettings.NodeName, stoppingToken);
            LogRecovered(logger, recovered, ServerSettings.NodeName);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not fatal: the calls come back once their leases end.
            LogRecoverFailed(logger, e, ServerSettings.NodeName);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        _renewal = RenewLeasesAsync(calls, _renewalStop.Token);
        while (!stoppingToken.IsCancellationRequested)
        {
            // A wake that comes after this point is kept for the next wait: claims never miss one.
            var wake = ResetWake();
            var free = Settings.MaxConcurrent - Volatile.Read(ref _slotsInUse);
            if (free > 0)
            {
                await ClaimAsync(calls, store, free, stoppingToken);
            }

            await WaitAsync(wake, stoppingToken);
        }
    }

    private async Task ClaimAsync(ICallStore calls, IDataStore store, int free, CancellationToken stoppingToken)
    {
        IReadOnlyList<ClaimedCall> claimed;
        try
        {
            claimed = await calls.ClaimCallsAsync(ServerSettings.NodeName, time.GetUtcNow(), TimeSpan.FromMilliseconds(Settings.LeaseMs), free, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            LogClaimFailed(logger, e, (long)Settings.PollMs);
            return;
        }

        foreach (var item in claimed)
        {
            metrics.Claimed.Add(1, DetachedCallMetrics.Fn(item.Call.FnId));
            LogClaimed(logger, item.Call.Id, item.Call.FnId, item.Call.Attempts);

            // Registered before it runs, so that a call that ends at once is removed after it was added.
            _running[item.Call.Id] = 0;
            Interlocked.Increment(ref _slotsInUse);
            metrics.RunningChanged(1);
            _ = RunTrackedAsync(calls, store, item, new Slot(this));
        }
    }

    private async Task RunTrackedAsync(ICallStore calls, IDataStore store, ClaimedCall item, Slot slot)
    {
        try
        {
            // Off the claim loop: the attempt runs on the thread pool while the loop claims more.
            await Task.Yield();
            await RunAsync(calls, store, item, slot);
        }
        finally
        {
            slot.Release();
            _running.TryRemove(item.Call.Id, out _);
            metrics.RunningChanged(-1);
            if (_running.IsEmpty)
            {
                Volatile.Read(ref _idle).TrySetResult();
            }

            Wake();
        }
    }

    private async Task RunAsync(ICallStore calls, IDataStore store, ClaimedCall item, Slot slot)
    {
        var call = item.Call;
        DetachedAttempt settled;
        try
        {
            settled = await AttemptAsync(calls, store, item, slot);
        }
        catch (OperationCanceledException) when (_cutOff.IsCancellationRequested)
        {
            settled = await GiveBackAsync(calls, item);
        }
        catch (Exception e)
        {
            // The store failed to take the outcome (or a bug): the call stays leased to this node until
            // its lease ends, then it is claimed again. Never lost, perhaps run twice.
            LogAttemptFailed(logger, e, call.Id, call.FnId, (long)Settings.LeaseMs);
            settled = new DetachedAttempt(call.Id, DetachedSettlement.LeftToLease, null);
        }

        foreach (var observer in observers)
        {
            observer.AttemptSettled(settled);
        }
    }

    private async Task<DetachedAttempt> AttemptAsync(ICallStore calls, IDataStore store, ClaimedCall item, Slot slot)
    {
        var call = item.Call;
        var lease = item.Lease;
        var now = time.GetUtcNow();
        if (now > DetachedRetryPolicy.ExpiresAt(call, Settings))
        {
            // Queued past its age (the node was down, or too busy for hours): it is not run any more.
            var expired = call with
            {
                Status = CallStates.Timeout,
                StatusCode = 504,
                Error = MaxEventAgeError(call.Error),
                CompletedAt = now,
                NextAttemptAt = null,
                DeadLetter = true,

                // The claim counted an attempt that never ran.
                Attempts = call.Attempts - 1,
            };
            var expiredFn = await store.GetFnAsync(call.FnId, CancellationToken.None);
            var onFailure = expiredFn is null ? null : await destinations.PrepareAsync(store, expiredFn, expired, null, CancellationToken.None);
            if (NotStored(await CompleteAsync(calls, expired, lease, null, onFailure), call, null) is { } notStored)
            {
                return notStored;
            }

            LogDeadLetterAge(logger, call.Id, call.FnId, Settings.MaxEventAgeSeconds, call.Attempts - 1, call.Error ?? "none");
            metrics.DeadLetters.Add(1, DetachedCallMetrics.Fn(call.FnId), new("reason", DetachedCallMetrics.SnakeCase(nameof(DetachedDeadLetterReason.MaxEventAge))));
            return new DetachedAttempt(call.Id, DetachedSettlement.DeadLettered, null);
        }

        var fn = await store.GetFnAsync(call.FnId, _cutOff.Token);
        var app = fn is null ? null : await store.GetAppByIdAsync(fn.AppId, _cutOff.Token);
        if (fn is null || app is null)
        {
            LogFnDeleted(logger, call.Id, call.FnId);
            var orphan = call with { Status = CallStates.Error, StatusCode = 404, Error = FnDeleted, CompletedAt = now, NextAttemptAt = null };
            var write = await CompleteAsync(calls, orphan, lease, null, null);
            if (write == LeasedWrite.LeaseLost)
            {
                return LeaseLost(call, null);
            }

            metrics.Attempts.Add(1, DetachedCallMetrics.Fn(call.FnId), new("outcome", "fn_deleted"));
            return new DetachedAttempt(call.Id, write == LeasedWrite.CallRemoved ? DetachedSettlement.Removed : DetachedSettlement.Completed, null);
        }

        // The answer is kept (its first 64 KiB) only for a fn with a destination.
        using var answer = DetachedDestinations.CaptureFor(fn);
        var outcome = await SubmitAsync(call, app, fn, item.Payload, answer);

        if (outcome.Cancelled)
        {
            return await GiveBackAsync(calls, item);
        }

        var (status, error) = (outcome.Status, outcome.Error);
        if (error == CallExecutor.ResponseTooLarge)
        {
            LogResponseTooLarge(logger, call.Id, call.FnId, ServerSettings.MaxResponseSize);
        }

        // Done with its container: another call may run while this one waits for its output. The call
        // stays leased to this node until its end is stored; a shutdown's cut-off ends the wait.
        slot.Release();
        var log = await executor.CollectLogAsync(call, outcome.Execution, outcome.FailureLog, _cutOff.Token);
        var ended = outcome.Record(call, time.GetUtcNow());
        metrics.Attempts.Add(1, DetachedCallMetrics.Fn(call.FnId), new("outcome", error == CallExecutor.ResponseTooLarge ? "response_too_large" : DetachedCallMetrics.Label(status)));
        if (_stopping && status == CallStatus.TooBusy)
        {
            // Refused because the node is stopping: not the call's fault.
            return await GiveBackAsync(calls, item);
        }

        var retries = 0;
        if (DetachedRetryPolicy.Classify(status) == DetachedFault.Function)
        {
            if (DetachedRetryPolicy.RetriesOf(fn) is { } allowed)
            {
                retries = allowed;
            }
            else
            {
                LogBadRetries(logger, fn.Id, DetachedRetryPolicy.RetriesAnnotation, DetachedRetryPolicy.MaxRetries);
            }
        }

        now = time.GetUtcNow();
        var decision = DetachedRetryPolicy.Decide(call, status, retries, now, Random.Shared.NextDouble(), Settings);
        var fnTag = DetachedCallMetrics.Fn(call.FnId);
        switch (decision.Kind)
        {
            case DetachedDecisionKind.Complete:
                var onSuccess = await destinations.PrepareAsync(store, fn, ended, answer, CancellationToken.None);
                if (NotStored(await CompleteAsync(calls, ended, lease, log, onSuccess), call, status) is { } notCompleted)
                {
                    return notCompleted;
                }

                LogCompleted(logger, call.Id, call.FnId, call.Attempts);
                return new DetachedAttempt(call.Id, DetachedSettlement.Completed, status);
            case DetachedDecisionKind.Retry:
                var next = decision.NextAttemptAt!.Value;
                if (NotStored(await calls.RequeueCallAsync(call.Id, lease, next, error?.Message, decision.CountAttempt, CancellationToken.None), call, status) is { } notRequeued)
                {
                    return notRequeued;
                }

                metrics.Retries.Add(1, fnTag, new("fault", DetachedCallMetrics.SnakeCase(decision.Fault.ToString())));
                LogRetry(logger, call.Id, call.FnId, call.Attempts, DetachedCallMetrics.SnakeCase(decision.Fault.ToString()), error?.Message ?? "", (long)(next - now).TotalMilliseconds, decision.CountAttempt);
                return new DetachedAttempt(call.Id, DetachedSettlement.Retried, status);
            default:
                var reason = decision.Reason!.Value;
                var dead = ended with { DeadLetter = true, Error = reason == DetachedDeadLetterReason.MaxEventAge ? MaxEventAgeError(ended.Error) : ended.Error };
                var onDeadLetter = await destinations.PrepareAsync(store, fn, dead, answer, CancellationToken.None);
                if (NotStored(await CompleteAsync(calls, dead, lease, log, onDeadLetter), call, status) is { } notDead)
                {
                    return notDead;
                }

                metrics.DeadLetters.Add(1, fnTag, new("reason", DetachedCallMetrics.SnakeCase(reason.ToString())));
                switch (reason)
                {
                    case DetachedDeadLetterReason.RetriesExhausted:
                        LogDeadLetterRetries(logger, call.Id, call.FnId, call.Attempts, error?.Message ?? "", retries, DetachedRetryPolicy.RetriesAnnotation);
                        break;
                    case DetachedDeadLetterReason.MaxEventAge:
                        LogDeadLetterAge(logger, call.Id, call.FnId, Settings.MaxEventAgeSeconds, call.Attempts, error?.Message ?? "");
                        break;
                    default:
                        LogDeadLetterCannotRun(logger, call.Id, call.FnId, error?.Message ?? "");
                        break;
                }

                return new DetachedAttempt(call.Id, DetachedSettlement.DeadLettered, status);
        }
    }

    /// <summary>Runs one attempt as an async call of the agent (within its async memory share); its answer is read to its end and kept only in <paramref name="answer"/> (for a destination), and its container freed at once.</summary>
    private async Task<CallOutcome> SubmitAsync(Call call, App app, Fn fn, CallPayload payload, AnswerCapture? answer)
    {
        using var body = new MemoryStream(payload.Body, writable: false);
        var request = new CallRequest
        {
            CallId = call.Id,
            App = app,
            Fn = fn.WithDefaults(),
            Headers = payload.Headers,
            Body = body,
            ContentLength = payload.Body.Length,
            IsAsync = true,
        };
        var outcome = await executor.RunAsync(request, (Stream?)answer ?? Stream.Null, start: null, _cutOff.Token);
        await outcome.DisposeAsync();
        return outcome;
    }

    /// <summary>
    /// Stores the end of a call with its destination's call (<paramref name="followUp"/>) in one transaction;
    /// whether it was (nothing is when the lease was lost or the call removed with its fn).
    /// </summary>
    private async Task<LeasedWrite> CompleteAsync(ICallStore calls, Call ended, CallLease lease, CallLog? log, FollowUpCall? followUp)
    {
        var write = await calls.CompleteCallAsync(ended, lease, log, followUp, CancellationToken.None);
        if (write == LeasedWrite.Stored && followUp is not null)
        {
            destinations.Queued(followUp, ended);
        }

        return write;
    }

    /// <summary>
    /// What became of an attempt whose end <paramref name="write"/> did not store, or <see langword="null"/> when it
    /// did: the lease had passed on, or the call went with its fn, so that it is neither logged nor counted as a
    /// success, a retry or a dead letter.
    /// </summary>
    private DetachedAttempt? NotStored(LeasedWrite write, Call call, CallStatus? status) => write switch
    {
        LeasedWrite.LeaseLost => LeaseLost(call, status),
        LeasedWrite.CallRemoved => Removed(call, status),
        _ => null,
    };

    /// <summary>The call is gone: its fn (or the fn's app) was deleted while this attempt ran, and its calls went with it.</summary>
    private DetachedAttempt Removed(Call call, CallStatus? status)
    {
        LogRemoved(logger, call.Id, call.FnId, call.Attempts, status is { } ended ? DetachedCallMetrics.Label(ended) : "not run");
        return new DetachedAttempt(call.Id, DetachedSettlement.Removed, status);
    }

    /// <summary>Queues a call cut off by shutdown again, due at once, its attempt not counted.</summary>
    private async Task<DetachedAttempt> GiveBackAsync(ICallStore calls, ClaimedCall item)
    {
        var call = item.Call;
        try
        {
            if (await calls.RequeueCallAsync(call.Id, item.Lease, time.GetUtcNow(), call.Error, countAttempt: false, CancellationToken.None) == LeasedWrite.LeaseLost)
            {
                return LeaseLost(call, null);
            }

            LogGivenBack(logger, call.Id, call.FnId);
            return new DetachedAttempt(call.Id, DetachedSettlement.GivenBack, null);
        }
        catch (Exception e)
        {
            LogAttemptFailed(logger, e, call.Id, call.FnId, (long)Settings.LeaseMs);
            return new DetachedAttempt(call.Id, DetachedSettlement.LeftToLease, null);
        }
    }

    /// <summary>
    /// The end of an attempt was not stored: the call's lease ran out (this node could not renew it in
    /// time) and another claim took it, so that claim's outcome stands.
    /// </summary>
    private DetachedAttempt LeaseLost(Call call, CallStatus? status)
    {
        LogLeaseLost(logger, call.Id, call.FnId, call.Attempts, (long)Settings.LeaseMs);
        metrics.LeasesLost.Add(1, DetachedCallMetrics.Fn(call.FnId));
        return new DetachedAttempt(call.Id, DetachedSettlement.LeaseLost, status);
    }

    private async Task RenewLeasesAsync(ICallStore calls, CancellationToken cancellationToken)
    {
        var lease = TimeSpan.FromMilliseconds(Settings.LeaseMs);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Settings.LeaseRenewal, time, cancellationToken);
                var ids = _running.Keys.ToList();
                if (ids.Count > 0)
                {
                    await calls.ExtendLeasesAsync(ServerSettings.NodeName, ids, time.GetUtcNow() + lease, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The next renewal may succeed before the leases end; if not, the calls run again elsewhere.
                LogRenewFailed(logger, e, _running.Count);
            }
        }
    }

    private TaskCompletionSource ResetWake()
    {
        var current = Volatile.Read(ref _wake);
        if (current.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref _wake, NewSignal(), current);
        }

        return Volatile.Read(ref _wake);
    }

    private async Task WaitAsync(TaskCompletionSource wake, CancellationToken stoppingToken)
    {
        using var poll = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var delay = Task.Delay(TimeSpan.FromMilliseconds(Settings.PollMs), time, poll.Token);
        await Task.WhenAny(wake.Task, delay);
        await poll.CancelAsync();
        try
        {
            await delay;
        }
        catch (OperationCanceledException)
        {
            // Woken or stopping.
        }
    }

    private async Task WaitIdleAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        while (!_running.IsEmpty)
        {
            var idle = NewSignal();
            Volatile.Write(ref _idle, idle);
            if (_running.IsEmpty)
            {
                return;
            }

            try
            {
                await idle.Task.WaitAsync(limit, time, cancellationToken);
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException)
            {
                return;
            }
        }
    }

    private string MaxEventAgeError(string? lastError) =>
        $"the call reached FN_ASYNC_MAX_EVENT_AGE_SECS={Settings.MaxEventAgeSeconds} before it succeeded" + (lastError is null ? "" : "; last error: " + lastError);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>One call's hold on a slot of <c>FN_ASYNC_MAX_CONCURRENT</c>, given up once (and the worker woken to claim another).</summary>
    private sealed class Slot(DetachedCallWorker worker)
    {
        private int _released;

        public void Release()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                Interlocked.Decrement(ref worker._slotsInUse);
                worker.Wake();
            }
        }
    }

    /// <summary>The error of a call whose fn (or app) was deleted before it ran.</summary>
    public const string FnDeleted = "fn was deleted";
}
