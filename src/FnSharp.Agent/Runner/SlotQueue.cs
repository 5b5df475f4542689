using FnSharp.Agent.Calls;
using FnSharp.Agent.Drivers;
using FnSharp.Agent.Protocol;
using FnSharp.Agent.Runner.Dispatch;
using FnSharp.Core.Models;

namespace FnSharp.Agent.Runner;

/// <summary>
/// The calls and containers of one fn and configuration: a LIFO stack of idle hot containers (the
/// most recently used is reused, so surplus ones idle out), the busy and starting containers, and a
/// FIFO of waiting calls. It is the only thing that starts containers for its fn (through
/// <see cref="LaunchPolicy"/>). One lock guards its state; no I/O runs under it, and no other
/// queue's lock is taken while it is held.
/// </summary>
internal sealed partial class SlotQueue : IContainerOwner
{
    private readonly RunnerAgent _agent;
    private readonly Lock _lock = new();
    private readonly List<HotContainer> _idle = [];
    private readonly List<HotContainer> _busy = [];
    private readonly LinkedList<Waiter> _waiters = new();
    private readonly MovingAverage _callMs = new();
    private readonly MovingAverage _startMs = new();
    private readonly Func<HotContainer, bool> _takeForEviction;
    private ITimer? _recheck;
    private int _starting;
    private bool _stopped;
    private bool _retired;

    public SlotQueue(RunnerAgent agent, string key, App app, Fn fn)
    {
        _agent = agent;
        Key = key;
        App = app;
        Fn = fn;
        _takeForEviction = TryTakeForEviction;
    }

    /// <summary>The queue's key in the agent (see <see cref="SlotKey"/>).</summary>
    public string Key { get; }

    public App App { get; }

    public Fn Fn { get; }

    private TimeProvider Time => _agent.Time;

    private AgentOptions Options => _agent.Options;

    private KeyValuePair<string, object?> FnTag => AgentMetrics.Fn(Fn.Id);

    /// <summary>
    /// Runs a call: on an idle container at once, else after waiting for one. Returns
    /// <see langword="null"/> when the queue was retired meanwhile: the caller takes a fresh queue.
    /// </summary>
    public async Task<CallResult?> SubmitAsync(CallRequest call, CancellationToken cancellationToken)
    {
        var arrived = Time.GetTimestamp();
        var waitLimit = _agent.Admission.WaitLimit(call);

        HotContainer? container;
        Waiter? waiter = null;
        List<bool>? launches = null;
        TooBusyLimit? refusal = null;
        lock (_lock)
        {
            if (_retired)
            {
                return null;
            }

            if (_stopped || _agent.IsStopping)
            {
                refusal = TooBusyLimit.ShuttingDown;
                container = null;
            }
            else
            {
                container = TakeIdleLocked();
                if (container is null)
                {
                    refusal = _agent.Admission.TryEnterQueue(waitLimit, _waiters.Count);
                    if (refusal is null)
                    {
                        waiter = new Waiter(call.IsAsync);
                        waiter.Node = _waiters.AddLast(waiter);
                        launches = PumpLocked();
                    }
                }
            }
        }

        if (refusal is { } limit)
        {
            return _agent.Admission.Refuse(call, limit);
        }

        StartLaunches(launches);
        _agent.Changed();
        if (waiter is not null)
        {
            _agent.Metrics.Queued.Add(1, FnTag);
            _agent.Metrics.Waiting.Add(1, FnTag);
            Grant grant;
            using var waitSpan = AgentTracing.Start("fnsharp.queue_wait", Fn.Id, call.CallId);
            try
            {
                using var expiry = Time.CreateTimer(
                    static state =>
                    {
                        var (queue, expired) = ((SlotQueue, Waiter))state!;
                        queue.EndWait(expired, Grant.Refuse(TooBusyLimit.WaitTime));
                    },
                    (this, waiter),
                    waitLimit,
                    Timeout.InfiniteTimeSpan);
                using var abandon = cancellationToken.Register(
                    static state =>
                    {
                        var (queue, gone) = ((SlotQueue, Waiter))state!;
                        queue.EndWait(gone, Grant.Gone);
                    },
                    (this, waiter));
                grant = await waiter.Completion.Task;
            }
            finally
            {
                _agent.Metrics.Waiting.Add(-1, FnTag);
            }

            if (grant.Refusal is { } refused)
            {
                // A waiting call is refused by its wait's expiry, or by shutdown.
                return _agent.Admission.Refuse(call, _agent.IsStopping ? TooBusyLimit.ShuttingDown : refused);
            }

            if (grant.Failure is { } failure)
            {
                return failure;
            }

            if (grant.Abandoned)
            {
                throw new CallCancelledException(null, cancellationToken);
            }

            container = grant.Container!;
            if (cancellationToken.IsCancellationRequested)
            {
                await ReleaseAsync(container, kill: false, measured: false);
                throw new CallCancelledException(null, cancellationToken);
            }
        }

        _agent.Metrics.WaitDuration.Record(Time.GetElapsedTime(arrived).TotalSeconds, FnTag);
        return await _agent.Dispatcher.RunAsync(container!, call, this, cancellationToken);
    }

    /// <summary>
    /// Retires the queue if it holds no container and no call, so that the agent forgets fns that
    /// went quiet or changed configuration; a retired queue accepts nothing more.
    /// </summary>
    public bool TryRetire()
    {
        lock (_lock)
        {
            if (_retired || _stopped || _idle.Count > 0 || _busy.Count > 0 || _starting > 0 || _waiters.Count > 0)
            {
                return _retired;
            }

            _retired = true;
            _recheck?.Dispose();
            _recheck = null;
            return true;
        }
    }

    /// <summary>Reconsiders launches, for example after memory was freed elsewhere or on the recheck timer.</summary>
    public void Pump()
    {
        List<bool>? launches;
        lock (_lock)
        {
            launches = PumpLocked();
        }

        StartLaunches(launches);
    }

    public bool HasWaiters
    {
        get
        {
            lock (_lock)
            {
                return _waiters.Count > 0;
            }
        }
    }

    public SlotStats Stats()
    {
        lock (_lock)
        {
            return new SlotStats(Fn.Id, _idle.Count, _busy.Count, _starting, _waiters.Count, _callMs.Value, _startMs.Value)
            {
                Paused = _idle.Count(c => c.Pause is { IsCompletedSuccessfully: true, Result: true }),
            };
        }
    }

    /// <summary>Takes <paramref name="container"/> out of the idle stack for eviction; false if it is no longer idle.</summary>
    private bool TryTakeForEviction(HotContainer container)
    {
        lock (_lock)
        {
            if (!_idle.Remove(container))
            {
                return false;
            }

            container.IdleEpoch++;
            container.StopTimers();
            return true;
        }
    }

    /// <summary>Stops accepting calls: waiting calls get too busy, idle containers are returned for removal.</summary>
    public List<HotContainer> BeginShutdown()
    {
        lock (_lock)
        {
            _stopped = true;
            _recheck?.Dispose();
            _recheck = null;
            while (_waiters.First is { } first)
            {
                CompleteWaiterLocked(first.Value, Grant.Refuse(TooBusyLimit.ShuttingDown));
            }

            var idle = new List<HotContainer>(_idle);
            foreach (var container in idle)
            {
                _agent.Evictor.Withdraw(container);
                container.IdleEpoch++;
                container.StopTimers();
            }

            _idle.Clear();
            return idle;
        }
    }

    private void EndWait(Waiter waiter, Grant grant)
    {
        lock (_lock)
        {
            if (waiter.Node?.List is not null)
            {
                CompleteWaiterLocked(waiter, grant);
            }
        }

        _agent.Changed();
    }

    private HotContainer? TakeIdleLocked()
    {
        if (_idle.Count == 0)
        {
            return null;
        }

        var container = _idle[^1];
        _idle.RemoveAt(_idle.Count - 1);
        _agent.Evictor.Withdraw(container);
        container.IdleEpoch++;
        container.StopTimers();
        MarkBusyLocked(container);
        return container;
    }

    private void MarkBusyLocked(HotContainer container)
    {
        container.AssignedAt = Time.GetTimestamp();
        _busy.Add(container);
        _agent.CallAssigned();
        _agent.Metrics.Running.Add(1, FnTag);
    }

    private void CompleteWaiterLocked(Waiter waiter, Grant grant)
    {
        _waiters.Remove(waiter.Node!);
        waiter.Node = null;
        _agent.Admission.LeaveQueue();
        waiter.Completion.SetResult(grant);
    }

    /// <summary>Gives a container that just became free to the oldest waiting call, or makes it idle.</summary>
    private void HandOverLocked(HotContainer container)
    {
        container.IdleEpoch++;
        if (_waiters.First is { } first)
        {
            MarkBusyLocked(container);
            CompleteWaiterLocked(first.Value, Grant.Of(container));
            return;
        }

        var epoch = container.IdleEpoch;
        _idle.Add(container);
        _agent.Evictor.Offer(container, Key, Time.GetTimestamp(), _takeForEviction);

        // Timers never fire synchronously here: their due times are at least 1 ms away.
        var idleTimeout = TimeSpan.FromSeconds(Math.Max(1, Fn.IdleTimeout));
        container.IdleTimer = Time.CreateTimer(
            static state =>
            {
                var (queue, idle, idleEpoch) = ((SlotQueue, HotContainer, int))state!;
                queue.OnIdleTimeout(idle, idleEpoch);
            },
            (this, container, epoch),
            idleTimeout,
            Timeout.InfiniteTimeSpan);
        if (Options.FreezeIdleMs >= 0)
        {
            var pauseAfter = TimeSpan.FromMilliseconds(Math.Max(1, Options.FreezeIdleMs));
            container.PauseTimer = Time.CreateTimer(
                static state =>
                {
                    var (queue, idle, idleEpoch) = ((SlotQueue, HotContainer, int))state!;
                    queue.OnPauseDue(idle, idleEpoch);
                },
                (this, container, epoch),
                pauseAfter,
                Timeout.InfiniteTimeSpan);
        }
    }

    private void OnIdleTimeout(HotContainer container, int epoch)
    {
        lock (_lock)
        {
            if (container.IdleEpoch != epoch || !_idle.Remove(container))
            {
                return;
            }

            _agent.Evictor.Withdraw(container);
            container.IdleEpoch++;
            container.StopTimers();
        }

        _agent.Metrics.IdleOuts.Add(1, FnTag);
        LogIdleOut(_agent.Logger, container.Container.Id, Fn.Id);
        _agent.Track(_agent.RemoveContainerAsync(container));
    }

    private void OnPauseDue(HotContainer container, int epoch)
    {
        lock (_lock)
        {
            if (container.IdleEpoch != epoch || !_idle.Contains(container))
            {
                return;
            }

            container.Pause = Task.Run(() => PauseAsync(container));
        }
    }

    private async Task<bool> PauseAsync(HotContainer container)
    {
        try
        {
            await container.Container.PauseAsync(CancellationToken.None);
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogPauseFailed(_agent.Logger, e, container.Container.Id);
            return false;
        }
    }

    /// <summary>Asks the launch policy how many containers to start; counts them as starting.</summary>
    private List<bool>? PumpLocked()
    {
        if (_stopped || _agent.IsStopping || _waiters.Count == 0)
        {
            return null;
        }

        var now = Time.GetTimestamp();
        var oldestMs = 0.0;
        foreach (var busy in _busy)
        {
            oldestMs = Math.Max(oldestMs, Time.GetElapsedTime(busy.AssignedAt, now).TotalMilliseconds);
        }

        var callEstimate = Math.Max(_callMs.Value ?? 0, oldestMs);
        var startEstimate = _startMs.Value ?? _agent.StartEstimateMs;
        var count = LaunchPolicy.ContainersToStart(_waiters.Count, _starting, _busy.Count, callEstimate, startEstimate);
        List<bool>? launches = null;
        if (count > 0)
        {
            launches = [];
            var asyncPool = _waiters.All(w => w.IsAsync);
            for (var i = 0; i < count; i++)
            {
                launches.Add(asyncPool);
            }

            _starting += count;
        }

        if (_waiters.Count > _starting)
        {
            // Calls still lack a container: look again when a busy one has run for another start time.
            _recheck ??= Time.CreateTimer(static q => ((SlotQueue)q!).Pump(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _recheck.Change(TimeSpan.FromMilliseconds(Math.Max(1, startEstimate)), Timeout.InfiniteTimeSpan);
        }

        return launches;
    }

    private void StartLaunches(List<bool>? launches)
    {
        if (launches is null)
        {
            return;
        }

        foreach (var asyncPool in launches)
        {
            _agent.Track(LaunchAsync(asyncPool));
        }
    }

    private async Task LaunchAsync(bool asyncPool)
    {
        try
        {
            await LaunchCoreAsync(asyncPool);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogLaunchCrashed(_agent.Logger, e, Fn.Id);
        }
    }

    private async Task LaunchCoreAsync(bool asyncPool)
    {
        var memory = (long)Fn.Memory;
        if (!_agent.Tracker.TryReserve(memory, asyncPool) && !await _agent.Evictor.TryReserveAsync(Key, Fn.Id, memory, asyncPool))
        {
            // Waiting calls keep waiting: a busy container may free up, or memory be released (which pumps again).
            LogNoMemory(_agent.Logger, Fn.Id, memory);
            lock (_lock)
            {
                _starting--;
            }

            _agent.Changed();
            return;
        }

        var began = Time.GetTimestamp();
        var spec = new ContainerSpec
        {
            Image = Fn.Image,
            AppId = App.Id,
            FnId = Fn.Id,
            MemoryMiB = Fn.Memory,
            Environment = ContainerEnvironment.Build(App, Fn),
        };
        HotContainer? hot = null;
        using var startSpan = AgentTracing.Start("fnsharp.container_start", Fn.Id);
        try
        {
            var created = await _agent.Ops.RunAsync(() => _agent.Driver.CreateAsync(spec, _agent.StoppingToken), _agent.StoppingToken);
            hot = new HotContainer(created, this, memory, asyncPool);
            _agent.RegisterLive(hot);
            await _agent.Ops.RunAsync(() => created.StartAsync(_agent.StoppingToken), _agent.StoppingToken);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            startSpan?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.Message);
            startSpan?.Dispose();
            await StartFailedAsync(hot, memory, asyncPool, e);
            return;
        }

        var elapsed = Time.GetElapsedTime(began);
        var elapsedMs = elapsed.TotalMilliseconds;
        startSpan?.SetTag("container_id", hot.Container.Id);
        startSpan?.Dispose();
        hot.Client = new HttpStreamClient(hot.Container.SocketPath);
        _agent.Metrics.ContainerStarts.Add(1, FnTag, new("result", "started"));
        _agent.Metrics.ContainerStartDuration.Record(elapsed.TotalSeconds, FnTag);
        LogContainerStarted(_agent.Logger, hot.Container.Id, Fn.Id, elapsedMs);
        _agent.ObserveStart(elapsedMs);
        List<bool>? launches;
        var stopped = false;
        lock (_lock)
        {
            _starting--;
            _startMs.Add(elapsedMs);
            if (_stopped || _agent.IsStopping)
            {
                stopped = true;
            }
            else
            {
                HandOverLocked(hot);
            }

            launches = PumpLocked();
        }

        StartLaunches(launches);
        _agent.Changed();
        if (stopped)
        {
            await _agent.RemoveContainerAsync(hot);
        }
    }

    private async Task StartFailedAsync(HotContainer? hot, long memory, bool asyncPool, Exception e)
    {
        if (hot is not null)
        {
            await _agent.RemoveContainerAsync(hot);
        }
        else
        {
            _agent.Tracker.Release(memory, asyncPool);
        }

        var error = e is ContainerStartException start ? start.Error : ContainerStartError.InitFailed;
        if (!_agent.IsStopping)
        {
            LogContainerStartFailed(_agent.Logger, e, Fn.Id, Fn.Image, error);
        }

        _agent.Metrics.ContainerStarts.Add(1, FnTag, new("result", "failed"));
        List<bool>? launches;
        lock (_lock)
        {
            _starting--;

            // The oldest waiting call learns why; the others too when nothing else could serve them.
            // A start cancelled by shutdown fails nobody: shutdown answers the waiting calls itself.
            var failAll = _busy.Count == 0 && _starting == 0;
            while (!_agent.IsStopping && _waiters.First is { } first)
            {
                CompleteWaiterLocked(first.Value, Grant.Fail(StartFailure(error)));
                if (!failAll)
                {
                    break;
                }
            }

            launches = PumpLocked();
        }

        StartLaunches(launches);
        _agent.RetireIfEmpty(this);
        _agent.Changed();
    }

    private CallResult StartFailure(ContainerStartError error) => error switch
    {
        ContainerStartError.ImageNotFound => CallResult.Failed(CallStatus.ImageNotFound, CallErrors.ImageNotFound(Fn.Image)),
        ContainerStartError.InitTimedOut => CallResult.Failed(CallStatus.ContainerInitTimedOut, CallErrors.ContainerInitTimedOut),
        _ => CallResult.Failed(CallStatus.ContainerInitFailed, CallErrors.ContainerInitFailed),
    };

    /// <inheritdoc/>
    public async Task<TimeSpan> ReleaseAsync(HotContainer container, bool kill, bool measured)
    {
        var elapsed = Time.GetElapsedTime(container.AssignedAt);
        var elapsedMs = elapsed.TotalMilliseconds;

        List<bool>? launches;
        var remove = false;
        lock (_lock)
        {
            if (_busy.Remove(container))
            {
                _agent.CallReleased();
                _agent.Metrics.Running.Add(-1, FnTag);
            }

            if (measured)
            {
                _callMs.Add(elapsedMs);
            }

            if (kill || _stopped || _agent.IsStopping || container.IsRemoving)
            {
                remove = true;
            }
            else
            {
                HandOverLocked(container);
            }

            launches = PumpLocked();
        }

        StartLaunches(launches);
        _agent.Changed();
        if (remove)
        {
            await _agent.RemoveContainerAsync(container);
        }

        return elapsed;
    }
}
