using FnSharp.Agent.Calls;
using FnSharp.Agent.Drivers;
using FnSharp.Agent.Runner.Containers;
using FnSharp.Agent.Runner.Dispatch;
using FnSharp.Agent.Runner.KeepAlive;
using FnSharp.Core.Models;

namespace FnSharp.Agent.Runner.Queue;

/// <summary>
/// The calls and containers of one fn and configuration (Fn's slot queue): a LIFO stack of idle hot
/// containers (the most recently used is reused, so surplus ones idle out), the busy ones, how many are
/// starting, and a FIFO of waiting calls. It holds that state and makes the launch decision (through
/// <see cref="LaunchPolicy"/>); the parts it is given (<see cref="SlotQueueParts"/>) admit its waiting
/// calls, start, evict and remove its containers. One lock guards its state; no I/O runs under it, and
/// the only other locks taken while it is held are its containers' own.
/// <para>
/// A fn with a <c>fnsharp.io/max-concurrency</c> cap never has more containers busy or starting than the
/// cap: calls above it wait in the FIFO like any other. A call that depends on a start (no container of the
/// fn runs) is told at once when the node's start backlog cannot give it one within its wait; its
/// container is started all the same, so that its retry finds it hot.
/// </para>
/// </summary>
internal sealed class SlotQueue : IContainerOwner
{
    private readonly SlotQueueParts _parts;
    private readonly Lock _lock = new();
    private readonly List<HotContainer> _idle = [];
    private readonly List<HotContainer> _busy = [];
    private readonly LinkedList<Waiter> _waiters = new();
    private readonly MovingAverage _callMs = new();
    private readonly MovingAverage _startMs = new();
    private readonly MovingAverage _callGapMs = new();
    private readonly MovingAverage _cpuMs = new();
    private double? _peakCpuShare;
    private double? _fastestCallMs;
    private readonly ThroughputFeedback _feedback;
    private readonly Func<HotContainer, bool> _takeForEviction;
    private readonly Action<HotContainer, int> _onIdleTimeout;
    private readonly Action<bool> _memoryWait;
    private readonly int? _cap;
    private ITimer? _recheck;
    private int _starting;
    private int _minHot;
    private long _aheadRetryAt;
    private ITimer? _aheadRetry;
    private ITimer? _prewarm;
    private bool _prewarmPending;
    private long _startDueAt;
    private long _lastArrival;
    private bool _lastLaunchNoMemory;
    private int _waitingForMemory;
    private int _withdrawMemoryWaits;
    private ThroughputHold? _held;
    private LaunchDecision? _decided;
    private bool _stopped;
    private bool _retired;
    // Drained (Drain): the fn was removed or this configuration replaced, so no container of the queue stays idle.
    private bool _draining;
    // The fn was removed: calls are refused and nothing starts.
    private bool _removed;

    public SlotQueue(string key, App app, Fn fn, SlotQueueParts parts)
    {
        Key = key;
        App = app;
        Fn = fn;
        _parts = parts;
        _takeForEviction = TryTakeForEviction;
        _onIdleTimeout = OnIdleTimeout;
        _memoryWait = MemoryWait;
        _feedback = new ThroughputFeedback(parts.Time);
        _cap = FnSharpAnnotations.MaxConcurrencyOf(fn.Annotations) is > 0 and var cap ? cap : null;
    }

    /// <summary>The queue's key (see <see cref="SlotKey"/>).</summary>
    public string Key { get; }

    public App App { get; }

    public Fn Fn { get; }

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

    private TimeProvider Time => _parts.Time;

    private RunnerLifetime Lifetime => _parts.Lifetime;

    private AgentMetrics Metrics => _parts.Metrics;

    private KeyValuePair<string, object?> FnTag => AgentMetrics.Fn(Fn.Id);

    /// <summary>
    /// Gets <paramref name="call"/> a container: an idle one at once, else one that frees up or starts while
    /// the call waits, within the wait admission allows. The grant is a container (given back through
    /// <see cref="ReleaseAsync"/>), a refusal, a start failure, or <see cref="Grant.RetiredQueue"/> when the
    /// queue retired meanwhile (the caller asks a fresh queue).
    /// </summary>
    /// <exception cref="CallCancelledException"><paramref name="cancellationToken"/> ended the wait.</exception>
    public async Task<Grant> AcquireAsync(CallRequest call, CancellationToken cancellationToken)
    {
        var arrived = Time.GetTimestamp();
        var waitLimit = _parts.Admission.WaitLimit(call);
        HotContainer? container;
        var kind = StartKind.Warm;
        Waiter? waiter = null;
        List<(bool AsyncPool, bool Ahead)>? launches = null;
        TooBusyLimit? refusal = null;
        TimeSpan? readyIn = null;
        lock (_lock)
        {
            if (_removed)
            {
                // Before the retirement: a removed fn's queue, retired or not, refuses (asking a fresh one would loop).
                return Grant.Fail(FnRemovedResult());
            }

            if (_retired)
            {
                return Grant.RetiredQueue;
            }

            // A call of a replaced configuration that comes now: the configuration is live again (the fn or its app
            // changed back), so that its containers stay idle as usual; a call of the old one racing the change only
            // lets them idle out as before.
            _draining = false;

            if (_lastArrival != 0)
            {
                _callGapMs.Add(Time.GetElapsedTime(_lastArrival, arrived).TotalMilliseconds);
            }

            _lastArrival = arrived;
            _parts.KeepAlive.Arrived(Fn.Id, arrived, running: _busy.Count > 0 || _waiters.Count > 0);
            CancelPrewarmLocked();

            if (_stopped || Lifetime.IsStopping)
            {
                refusal = TooBusyLimit.ShuttingDown;
                container = null;
            }
            else
            {
                container = TakeIdleLocked(out kind);
                if (container is null)
                {
                    readyIn = ReadyInLocked();
                    refusal = _parts.Admission.TryEnterQueue(waitLimit, _waiters.Count, readyIn);
                    if (refusal is null)
                    {
                        waiter = new Waiter(call.IsAsync);
                        waiter.Node = _waiters.AddLast(waiter);
                        launches = PumpLocked();
                    }
                    else if (refusal == TooBusyLimit.StartBacklog)
                    {
                        launches = PrestartLocked(call.IsAsync);
                    }
                }
            }
        }

        if (refusal is { } limit)
        {
            StartLaunches(launches);
            return Grant.Refuse(limit, limit == TooBusyLimit.StartBacklog ? readyIn : null);
        }

        await AfterChangeAsync(launches);
        if (waiter is not null)
        {
            var grant = await WaitAsync(waiter, call, waitLimit, cancellationToken);
            if (grant.Container is null)
            {
                return grant;
            }

            container = grant.Container;
            kind = grant.Kind;
            if (cancellationToken.IsCancellationRequested)
            {
                await ReleaseAsync(container, kill: false, measured: false);
                throw new CallCancelledException(null, cancellationToken);
            }
        }

        Metrics.WaitDuration.Record(Time.GetElapsedTime(arrived).TotalSeconds, FnTag);
        return Grant.Of(container!, kind);
    }

    /// <summary>
    /// Retires the queue if it holds no container and no call, so that the runner forgets fns that
    /// went quiet or changed configuration; a retired queue accepts nothing more.
    /// </summary>
    public bool TryRetire()
    {
        lock (_lock)
        {
            if (_retired || _stopped || _minHot > 0 || _prewarmPending || _idle.Count > 0 || _busy.Count > 0 || _starting > 0 || _waiters.Count > 0)
            {
                return _retired;
            }

            _retired = true;
            DisposeTimersLocked();
            return true;
        }
    }

    /// <summary>Reconsiders launches, for example after memory was freed elsewhere or on the recheck timer.</summary>
    public void Pump()
    {
        List<(bool AsyncPool, bool Ahead)>? launches;
        lock (_lock)
        {
            launches = PumpLocked();
        }

        StartLaunches(launches);
    }

    /// <summary>
    /// Keeps <paramref name="count"/> containers of the queue hot (<c>fnsharp.io/min-hot</c>): the missing ones
    /// start ahead of demand now, and again whenever one is gone (it died, or was killed after a call); while
    /// the queue holds no more than that many, its idle containers neither idle out nor are evicted. 0 lets them
    /// go as usual. False when the queue has retired (the caller asks a fresh one).
    /// </summary>
    public bool SetMinHot(int count)
    {
        List<(bool AsyncPool, bool Ahead)>? launches;
        lock (_lock)
        {
            if (_retired)
            {
                return false;
            }

            // Kept hot again (the fn changed back to this configuration): its containers stay idle as usual.
            _draining &= count == 0 || _removed;
            _minHot = count;
            launches = PumpLocked();
        }

        StartLaunches(launches);
        _parts.Observer.StateChanged();
        return true;
    }

    /// <summary>Whether the queue holds no more containers than it keeps hot, so that none of them may go.</summary>
    private bool KeptHotLocked => _idle.Count + _busy.Count <= _minHot;

    public SlotStats Stats()
    {
        lock (_lock)
        {
            return new SlotStats(Fn.Id, _idle.Count, _busy.Count, _starting, _waiters.Count, _callMs.Value, _startMs.Value)
            {
                Paused = _idle.Count(c => c.IsPaused),
                StartsWaitingForMemory = _waitingForMemory,
                HeldAt = _feedback.HeldAt,
            };
        }
    }

    /// <summary>
    /// Drains the queue: its fn was removed (<paramref name="removed"/>) or this configuration of it replaced (the fn or its
    /// app changed). No container of the queue stays idle from now on: the idle ones are returned for removal, and a busy
    /// one, or one whose start finishes, is let go as it comes back unless a call of the queue waits for it; none is kept
    /// hot (<c>fnsharp.io/min-hot</c>) or pre-warmed. For a removed fn the waiting calls, and any that comes later, get
    /// 404 (<see cref="CallStatus.FnRemoved"/>), no container starts and its starts waiting for memory are withdrawn; the
    /// calls of a replaced configuration keep their place (they were made with it). The queue retires once empty.
    /// </summary>
    /// <returns>The idle containers, for removal; and how many were busy, how many starts were under way (a start waiting for memory included) and how many waiting calls were refused.</returns>
    public (List<HotContainer> Idle, int Busy, int Starting, int Refused) Drain(bool removed)
    {
        var refused = 0;
        List<HotContainer> idle;
        int busy;
        int starting;
        lock (_lock)
        {
            _removed |= removed;
            if (_retired || _stopped)
            {
                return ([], 0, 0, 0);
            }

            _draining = true;
            _minHot = 0;
            _prewarmPending = false;
            DisposeTimersLocked();
            while (_removed && _waiters.First is { } first)
            {
                CompleteWaiterLocked(first.Value, Grant.Fail(FnRemovedResult()));
                refused++;
            }

            idle = TakeIdleLocked();
            busy = _busy.Count;
            starting = _starting;
        }

        if (removed)
        {
            _parts.Launcher.WithdrawMemoryWaits(Key);
        }

        _parts.Observer.StateChanged();
        return (idle, busy, starting, refused);
    }

    /// <summary>Stops accepting calls: waiting calls are refused, idle containers are returned for removal.</summary>
    public List<HotContainer> BeginShutdown()
    {
        lock (_lock)
        {
            _stopped = true;
            _prewarmPending = false;
            DisposeTimersLocked();
            while (_waiters.First is { } first)
            {
                CompleteWaiterLocked(first.Value, Grant.Refuse(TooBusyLimit.ShuttingDown));
            }

            return TakeIdleLocked();
        }
    }

    /// <summary>Takes every idle container out of the queue, for removal: each leaves the idle stack (<see cref="LeaveIdleLocked"/>).</summary>
    private List<HotContainer> TakeIdleLocked()
    {
        var idle = new List<HotContainer>(_idle);
        foreach (var container in idle)
        {
            LeaveIdleLocked(container);
        }

        _idle.Clear();
        return idle;
    }

    /// <inheritdoc/>
    public async Task<TimeSpan> ReleaseAsync(HotContainer container, bool kill, bool measured)
    {
        var elapsed = Time.GetElapsedTime(container.AssignedAt);
        var cpuMs = container.CpuMsSinceMark();
        List<(bool AsyncPool, bool Ahead)>? launches;
        HotContainer? letGo;
        bool surplus;
        lock (_lock)
        {
            if (measured)
            {
                _feedback.Completed(_busy.Count + _idle.Count);
            }

            if (_busy.Remove(container))
            {
                Lifetime.CallEnded();
                Metrics.Running.Add(-1, FnTag);
                _parts.KeepAlive.Ended(Fn.Id, Time.GetTimestamp());
            }

            if (measured)
            {
                _callMs.Add(elapsed.TotalMilliseconds);
                // Whether the fn mostly waits is judged on calls after a container's first: a cold container's first call
                // (152 ms at 3% CPU for the fast C# fn under load) would make a CPU-bound fn look like a waiting one.
                var judged = !container.OnFirstCall;
                if (judged)
                {
                    _fastestCallMs = Math.Min(elapsed.TotalMilliseconds, Math.Max(_fastestCallMs ?? double.MaxValue, 1) / CpuView.PeakDecay);
                }

                if (cpuMs is { } cpu)
                {
                    _cpuMs.Add(cpu);
                    if (judged && elapsed > TimeSpan.Zero)
                    {
                        // The call that waited least for a busy CPU shows best whether the fn computes: the peak, decaying.
                        _peakCpuShare = Math.Max(cpu / elapsed.TotalMilliseconds, (_peakCpuShare ?? 0) * CpuView.PeakDecay);
                    }
                }
            }

            var killed = kill || container.IsRemoving;
            letGo = ReturnLocked(container, killed, out launches);
            surplus = letGo is not null && !killed && !_stopped && !Lifetime.IsStopping;
        }

        if (surplus)
        {
            // A container let go above the throughput feedback's hold: the call that ended on it does not wait for its removal.
            Lifetime.Track(_parts.Containers.RemoveAsync(letGo!));
            letGo = null;
        }

        await AfterChangeAsync(launches, letGo);
        return elapsed;
    }

    /// <summary>Waits for a grant: a container, the wait's expiry, shutdown, a start failure, or the caller leaving.</summary>
    private async Task<Grant> WaitAsync(Waiter waiter, CallRequest call, TimeSpan waitLimit, CancellationToken cancellationToken)
    {
        Metrics.Queued.Add(1, FnTag);
        Metrics.Waiting.Add(1, FnTag);
        Grant grant;
        using var waitSpan = AgentTracing.Start("fnsharp.queue_wait", Fn.Id, call.CallId);
        try
        {
            using var expiry = Time.CreateTimer(
                static state =>
                {
                    var (queue, expired) = ((SlotQueue, Waiter))state!;
                    queue.EndWait(expired, null);
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
            Metrics.Waiting.Add(-1, FnTag);
        }

        if (grant.Abandoned)
        {
            throw new CallCancelledException(null, cancellationToken);
        }

        // A waiting call is refused by its wait's expiry, or by shutdown.
        return grant.Refusal is not null && Lifetime.IsStopping ? Grant.Refuse(TooBusyLimit.ShuttingDown) : grant;
    }

    /// <summary>Ends a wait with <paramref name="grant"/>, or with the refusal of an expired wait when <see langword="null"/>.</summary>
    private void EndWait(Waiter waiter, Grant? grant)
    {
        lock (_lock)
        {
            if (waiter.Node?.List is not null)
            {
                // A call refused for memory is told when its start would finish, as one refused for the start backlog is.
                var limit = ExpiredLimitLocked();
                CompleteWaiterLocked(waiter, grant ?? Grant.Refuse(limit, limit == TooBusyLimit.Memory ? ReadyInLocked() : null));
                NoteUnneededMemoryWaitsLocked();
            }
        }

        WithdrawUnneededMemoryWaits();
        _parts.Observer.StateChanged();
    }

    /// <summary>
    /// The limit that kept a call whose wait ran out: the fn's cap when its busy containers fill it, memory
    /// when the fn runs nothing and its last launch found no memory, else the wait itself.
    /// </summary>
    private TooBusyLimit ExpiredLimitLocked() =>
        AtCapLocked() ? TooBusyLimit.ConcurrencyCap
        : _busy.Count == 0 && _lastLaunchNoMemory ? TooBusyLimit.Memory
        : TooBusyLimit.WaitTime;

    private bool AtCapLocked() => _cap is { } cap && _busy.Count >= cap;

    /// <summary>
    /// When a call arriving now would get a container, if it depends on a start: the fn runs no call (so
    /// none frees a container) and is not at its cap. The start under way, or a new one behind the node's
    /// start backlog. <see langword="null"/> when a running container will serve it.
    /// </summary>
    private TimeSpan? ReadyInLocked()
    {
        if (_busy.Count > 0)
        {
            return null;
        }

        if (_starting > 0)
        {
            var left = _startDueAt - Time.GetTimestamp();
            var due = left > 0 ? TimeSpan.FromSeconds((double)left / Time.TimestampFrequency) : TimeSpan.Zero;

            // The estimate made when the start was asked is stale once it waits for memory past it: 15,800 calls of a
            // burst of 1000 fns waited out their whole wait for such starts and were then refused for memory.
            return _waitingForMemory > 0 && _parts.Launcher.ReadyInBehindMemory(Key) is { } behind && behind > due ? behind : due;
        }

        return _parts.Launcher.ReadyIn();
    }

    /// <summary>
    /// For a call refused for the start backlog: starts the fn's container anyway when none starts, so that
    /// the retry finds it hot (no start is wasted: a start finishes whether its caller waits or not).
    /// </summary>
    private List<(bool AsyncPool, bool Ahead)>? PrestartLocked(bool asyncPool)
    {
        if (_stopped || _removed || _starting > 0 || _busy.Count > 0 || _idle.Count > 0)
        {
            return null;
        }

        NoteStartsLocked(1);
        return [(asyncPool, false)];
    }

    /// <summary>Counts <paramref name="count"/> more starts; the first of a round sets when they are due, from the node's start backlog.</summary>
    private void NoteStartsLocked(int count)
    {
        if (_starting == 0)
        {
            _startDueAt = Time.GetTimestamp() + (long)(_parts.Launcher.ReadyIn().TotalSeconds * Time.TimestampFrequency);
        }

        _starting += count;
    }

    private HotContainer? TakeIdleLocked(out StartKind kind)
    {
        kind = StartKind.Warm;
        if (_idle.Count == 0 || AtCapLocked())
        {
            return null;
        }

        var container = _idle[^1];
        _idle.RemoveAt(_idle.Count - 1);
        LeaveIdleLocked(container);
        kind = MarkBusyLocked(container, waitedForStart: false);
        _feedback.TookIdle(_busy.Count + _idle.Count);
        return container;
    }

    /// <summary>Takes <paramref name="container"/> out of the idle stack for eviction; false if it is no longer idle.</summary>
    private bool TryTakeForEviction(HotContainer container)
    {
        lock (_lock)
        {
            if (KeptHotLocked || !_idle.Remove(container))
            {
                return false;
            }

            container.EndIdle();
            return true;
        }
    }

    /// <summary>A container leaves the idle stack (the caller removes it from the list): no longer offered for eviction, its idle episode over.</summary>
    private void LeaveIdleLocked(HotContainer container)
    {
        _parts.Evictor.Withdraw(container);
        container.EndIdle();
    }

    /// <summary>A call gets <paramref name="container"/>; returns how it had it (<see cref="StartKinds.Of"/>).</summary>
    private StartKind MarkBusyLocked(HotContainer container, bool waitedForStart)
    {
        var first = container.Assign(Time.GetTimestamp());
        _busy.Add(container);
        Lifetime.CallStarted();
        Metrics.Running.Add(1, FnTag);
        return StartKinds.Of(first, container.StartedAhead, waitedForStart);
    }

    private void CompleteWaiterLocked(Waiter waiter, Grant grant)
    {
        _waiters.Remove(waiter.Node!);
        waiter.Node = null;
        _parts.Admission.LeaveQueue();
        waiter.Completion.SetResult(grant);
    }

    /// <summary>
    /// A container comes back (a call ended, or it started): it serves the oldest waiting call or turns idle,
    /// unless it is to be killed or the queue stops; then the launch decision. Returns the container to let
    /// go (the caller removes it), if any.
    /// </summary>
    private HotContainer? ReturnLocked(HotContainer container, bool kill, out List<(bool AsyncPool, bool Ahead)>? launches)
    {
        // A fn held by the throughput feedback lets go of the containers above its hold as they come back.
        var containers = _busy.Count + _idle.Count + 1;
        var letGo = kill || _stopped || Lifetime.IsStopping || (_draining && _waiters.Count == 0) || (containers > _minHot && _feedback.Surplus(containers));
        if (!letGo)
        {
            HandOverLocked(container);
        }

        launches = PumpLocked();
        return letGo ? container : null;
    }

    /// <summary>After a change of the state: starts the launches decided, tells the observer, removes the container let go.</summary>
    private async Task AfterChangeAsync(List<(bool AsyncPool, bool Ahead)>? launches, HotContainer? letGo = null)
    {
        StartLaunches(launches);
        _parts.Observer.StateChanged();
        if (letGo is not null)
        {
            await _parts.Containers.RemoveAsync(letGo);
        }
    }

    /// <summary>Gives a container that just became free to the oldest waiting call, or makes it idle.</summary>
    private void HandOverLocked(HotContainer container)
    {
        if (_waiters.First is { } first && !AtCapLocked())
        {
            // A container's first call here waited for its start: a container only comes back unused from one.
            var kind = MarkBusyLocked(container, waitedForStart: true);
            CompleteWaiterLocked(first.Value, Grant.Of(container, kind));
            return;
        }

        _idle.Add(container);
        _feedback.WentIdle(_busy.Count + _idle.Count);
        _parts.Evictor.Offer(container, Key, Time.GetTimestamp(), _takeForEviction);
        container.BeginIdle(KeepAliveLocked(container), PauseAfter, _onIdleTimeout, _parts.Options.FreezeCpuMs);
    }

    /// <summary>
    /// How long <paramref name="container"/>, turning idle, is kept (recorded on it for the log and the metric of its
    /// stop), from the node's keep-alive policy (<see cref="KeepAliveBook"/>): the fn's <c>idle_timeout</c> under the fixed
    /// policy, for containers kept hot, and when the hybrid policy falls back; else its keep-alive window. A container
    /// just pre-warmed is kept for the window from its start. One whose call ended while the windows pre-warm is
    /// stopped at once (unless another container of the queue is busy or starting) and the pre-warm is set.
    /// </summary>
    private TimeSpan KeepAliveLocked(HotContainer container)
    {
        var windows = _parts.KeepAlive.Windows(Fn.Id, IdleTimeout, Fn.Memory);
        if (_minHot > 0 || windows.Basis is not (KeepAliveBasis.Histogram or KeepAliveBasis.OutOfBounds or KeepAliveBasis.Cost))
        {
            container.IdleEnd = (IdleOutReasons.IdleTimeout, windows);
            return IdleTimeout;
        }

        var fresh = !container.Used;
        if (windows.PrewarmAfter is { } after && !fresh && _busy.Count == 0 && _starting == 0)
        {
            container.IdleEnd = (IdleOutReasons.UntilPrewarm, windows);
            SetPrewarmLocked(after);
            return TimeSpan.Zero;
        }

        container.IdleEnd = (windows.KeepAlive >= IdleTimeout ? IdleOutReasons.IdleTimeout : IdleOutReasons.KeepAliveWindow, windows);
        return windows.KeepAlive;
    }

    /// <summary>Sets the queue's pre-warm: a container starts <paramref name="after"/> from now, unless a call comes first.</summary>
    private void SetPrewarmLocked(TimeSpan after)
    {
        _prewarm ??= Time.CreateTimer(static q => ((SlotQueue)q!).Prewarm(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _prewarmPending = true;
        _prewarm.Change(after, Timeout.InfiniteTimeSpan);
    }

    private void CancelPrewarmLocked()
    {
        if (_prewarmPending)
        {
            _prewarmPending = false;
            _prewarm?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// The pre-warm window opened: a container starts ahead of the next call (its first call is
    /// <see cref="StartKind.Prewarmed"/>) if the queue has none and memory allows without evicting another fn's.
    /// </summary>
    private void Prewarm()
    {
        KeepAliveWindows windows;
        lock (_lock)
        {
            if (!_prewarmPending || _stopped || _draining || Lifetime.IsStopping)
            {
                return;
            }

            _prewarmPending = false;
            if (_idle.Count + _busy.Count + _starting > 0)
            {
                return;
            }

            windows = _parts.KeepAlive.Windows(Fn.Id, IdleTimeout, Fn.Memory);
            NoteStartsLocked(1);
        }

        RunnerLog.Prewarming(_parts.Logger, Fn.Id, windows.PrewarmAfter?.TotalSeconds ?? 0, windows.KeepAlive.TotalSeconds, windows.Samples, windows.Basis);
        Lifetime.Track(LaunchAsync(asyncPool: false, ahead: true, prewarm: true));
    }

    private void DisposeTimersLocked()
    {
        _recheck?.Dispose();
        _recheck = null;
        _aheadRetry?.Dispose();
        _aheadRetry = null;
        _prewarm?.Dispose();
        _prewarm = null;
    }

    /// <summary>How long after a failed start of a container kept hot the queue tries again.</summary>
    private static readonly TimeSpan AheadRetryDelay = TimeSpan.FromSeconds(30);

    private TimeSpan IdleTimeout => TimeSpan.FromSeconds(Math.Max(1, Fn.IdleTimeout));

    private TimeSpan? PauseAfter => PausePolicy.PauseAfter(_parts.Options.FreezeIdleMs, _callGapMs.Value);

    private void OnIdleTimeout(HotContainer container, int episode)
    {
        lock (_lock)
        {
            if (!container.IsIdleEpisode(episode) || !_idle.Contains(container))
            {
                return;
            }

            if (KeptHotLocked)
            {
                // Kept hot (min-hot): never idled out; look again after another idle timeout.
                container.BeginIdle(IdleTimeout, PauseAfter, _onIdleTimeout, _parts.Options.FreezeCpuMs);
                return;
            }

            _idle.Remove(container);
            LeaveIdleLocked(container);
        }

        var (reason, windows) = container.IdleEnd;
        Metrics.IdleOuts.Add(1, FnTag, new("reason", reason));
        RunnerLog.IdleOut(_parts.Logger, container.Container.Id, Fn.Id, reason, windows.Basis, windows.KeepAlive.TotalSeconds, windows.PrewarmAfter?.TotalSeconds, windows.Samples);
        Lifetime.Track(_parts.Containers.RemoveAsync(container));
    }

    /// <summary>
    /// Starts ahead the containers min-hot misses, then asks the launch policy how many containers waiting
    /// calls need (from the fn's call, start and CPU times, the node's CPU, and for a fn that mostly waits the
    /// node's free places for starts and the fn's memory); counts them all as starting.
    /// </summary>
    private List<(bool AsyncPool, bool Ahead)>? PumpLocked()
    {
        if (_stopped || _removed || Lifetime.IsStopping)
        {
            return null;
        }

        List<(bool AsyncPool, bool Ahead)>? launches = null;
        var missing = _minHot - (_idle.Count + _busy.Count + _starting);
        if (_cap is { } hotCap)
        {
            // The fn's cap bounds the containers kept hot too.
            missing = Math.Min(missing, hotCap - _busy.Count - _idle.Count - _starting);
        }

        if (missing > 0 && Time.GetTimestamp() >= _aheadRetryAt)
        {
            launches = [.. Enumerable.Repeat((false, true), missing)];
            NoteStartsLocked(missing);
        }

        if (_waiters.Count == 0)
        {
            return launches;
        }

        var now = Time.GetTimestamp();
        var oldestMs = 0.0;
        foreach (var busy in _busy)
        {
            oldestMs = Math.Max(oldestMs, Time.GetElapsedTime(busy.AssignedAt, now).TotalMilliseconds);
        }

        var callEstimate = Math.Max(_callMs.Value ?? 0, oldestMs);
        var startEstimate = _startMs.Value ?? _parts.Launcher.StartEstimateMs;
        var cpuShare = _cpuMs.Value is { } cpuMs && _callMs.Value is > 0 and var callMs ? cpuMs / callMs : (double?)null;
        var nodeBusy = _parts.NodeCpuBusy();
        var cpu = new CpuView(cpuShare, _parts.NodeCpus, cpuShare is null ? null : nodeBusy, _peakCpuShare, _fastestCallMs);

        // The backlog counts this queue's starts once they are under way; those just decided are in _starting first.
        var room = new LaunchRoom(_parts.Options.MaxContainerOps - Math.Max(_parts.Launcher.Backlog, _starting), _waitingForMemory > 0);
        var count = LaunchPolicy.ContainersToStart(_waiters.Count, _starting, _busy.Count, callEstimate, startEstimate, cpu, room);
        int? allowed = null;
        var mostlyWaits = LaunchPolicy.MostlyWaits(cpu);

        // Asked whenever calls wait on a fn that computes, also when the launch policy starts none, so that a growth that
        // served no more calls is undone when the CPU rule stops the next: a Node fn's second container started on CPUs 83%
        // busy, which then read saturated, and it served 1,572 calls/s on the two where one had served 2,107. A fn that
        // mostly waits is asked only before a start: while it grows, its starts take the CPUs and its rate stalls (a
        // sleeping fn completed 120 calls/s on 33 containers as on 26, was held at 26 and started 112 for 64 callers).
        if (count > 0 || (!mostlyWaits && _busy.Count + _idle.Count > 1))
        {
            allowed = _feedback.Allowed(_busy.Count + _idle.Count, _starting, nodeBusy, mostlyWaits, _callMs.Value, oldestMs, out var held);
            count = Math.Min(count, allowed ?? count);
            if (held is not null)
            {
                // Logged after the lock, by the launches' start.
                _held = held;
            }
        }

        if (_cap is { } cap)
        {
            // Containers busy, idle or starting never outnumber the cap: idle ones serve the calls over it once busy ones finish.
            count = Math.Min(count, Math.Max(0, cap - _busy.Count - _idle.Count - _starting));
        }

        if (count > 0)
        {
            if (_parts.Logger.IsEnabled(LogLevel.Debug))
            {
                _decided = new LaunchDecision(count, _waiters.Count, _busy.Count, _starting, _callMs.Value ?? 0, oldestMs, startEstimate, cpu, nodeBusy, allowed);
            }

            launches ??= [];
            var asyncPool = _waiters.All(w => w.IsAsync);
            for (var i = 0; i < count; i++)
            {
                launches.Add((asyncPool, false));
            }

            NoteStartsLocked(count);
        }

        NoteUnneededMemoryWaitsLocked();
        if (_waiters.Count > _starting)
        {
            // Calls still lack a container: look again when a busy one has run for another start time.
            _recheck ??= Time.CreateTimer(static q => ((SlotQueue)q!).Pump(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _recheck.Change(TimeSpan.FromMilliseconds(Math.Max(1, startEstimate)), Timeout.InfiniteTimeSpan);
        }

        return launches;
    }

    /// <summary>
    /// Starts of the queue that wait in line for memory are no longer needed once no call waits and the queue
    /// has containers (as many as it keeps hot): withdrawn (after the lock), so that they hold back no other
    /// fn's start behind them. A fn with no container keeps its start: a call refused meanwhile retries.
    /// </summary>
    private void NoteUnneededMemoryWaitsLocked()
    {
        var containers = _busy.Count + _idle.Count;
        if (_waitingForMemory > 0 && _waiters.Count == 0 && containers > 0 && containers >= _minHot)
        {
            _withdrawMemoryWaits = 1;
        }
    }

    private void WithdrawUnneededMemoryWaits()
    {
        if (Interlocked.Exchange(ref _withdrawMemoryWaits, 0) == 1)
        {
            _parts.Launcher.WithdrawMemoryWaits(Key);
        }
    }

    private void StartLaunches(List<(bool AsyncPool, bool Ahead)>? launches)
    {
        WithdrawUnneededMemoryWaits();
        if (Interlocked.Exchange(ref _held, null) is { } held)
        {
            RunnerLog.HeldByThroughput(_parts.Logger, Fn.Id, held.HeldAt, held.For.TotalSeconds, held.Containers, held.Rate, held.Before, held.BeforeRate, LaunchDecision.Percent(held.NodeBusy));
        }

        Interlocked.Exchange(ref _decided, null)?.Log(_parts.Logger, Fn.Id);

        if (launches is null)
        {
            return;
        }

        foreach (var (asyncPool, ahead) in launches)
        {
            Lifetime.Track(LaunchAsync(asyncPool, ahead));
        }
    }

    private async Task LaunchAsync(bool asyncPool, bool ahead, bool prewarm = false)
    {
        try
        {
            // A pre-warm takes only free memory: it never evicts another fn's container for a call that may not come.
            var launch = await _parts.Launcher.LaunchAsync(App, Fn, Key, asyncPool, ahead, _memoryWait, evict: !prewarm);
            if (prewarm)
            {
                Metrics.Prewarms.Add(1, FnTag, new("result", launch.Container is not null ? "started" : launch.Error is null ? "no_memory" : "failed"));
            }

            if (launch.Container is { } started)
            {
                await StartedAsync(started, launch.ElapsedMs);
            }
            else if (launch.Error is { } error)
            {
                StartFailed(error, ahead, launch);
            }
            else
            {
                // The runner stopped while the start waited for memory.
                lock (_lock)
                {
                    _starting--;
                    if (!prewarm)
                    {
                        _lastLaunchNoMemory = true;
                    }
                }

                _parts.ForgetIfEmpty(this);

                _parts.Observer.StateChanged();
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            RunnerLog.LaunchCrashed(_parts.Logger, e, Fn.Id);
        }
    }

    /// <summary>
    /// A start of the queue waits in line for memory (<paramref name="waiting"/>), or left it: its calls keep
    /// waiting for it (or for a busy container to free up), and one whose wait runs out meanwhile is refused for memory.
    /// </summary>
    private void MemoryWait(bool waiting)
    {
        lock (_lock)
        {
            _lastLaunchNoMemory |= waiting;
            _waitingForMemory += waiting ? 1 : -1;
        }

        _parts.Observer.StateChanged();
    }

    private async Task StartedAsync(HotContainer container, double elapsedMs)
    {
        container.MarkCpu();
        List<(bool AsyncPool, bool Ahead)>? launches;
        HotContainer? letGo;
        lock (_lock)
        {
            _starting--;
            _lastLaunchNoMemory = false;
            _startMs.Add(elapsedMs);
            if (_starting > 0)
            {
                _startDueAt = Time.GetTimestamp() + (long)(_startMs.Value!.Value / 1000 * Time.TimestampFrequency);
            }

            letGo = ReturnLocked(container, kill: false, out launches);
        }

        if (letGo is null)
        {
            Lifetime.Track(WatchExitAsync(container));
        }

        await AfterChangeAsync(launches, letGo);
    }

    /// <summary>
    /// A container that dies while idle (killed from outside, its process gone) is removed as soon as its exit is
    /// known, so that no call is handed a dead container (Fn's agent drops a slot whose container exited), and in a
    /// queue that keeps containers hot the removal starts its replacement. A busy one's call learns of the death itself
    /// and gives it back killed.
    /// </summary>
    private async Task WatchExitAsync(HotContainer container)
    {
        try
        {
            await container.Container.WaitForExitAsync(Lifetime.StoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        lock (_lock)
        {
            if (container.IsRemoving || !_idle.Remove(container))
            {
                return;
            }

            LeaveIdleLocked(container);
        }

        RunnerLog.HotContainerDied(_parts.Logger, container.Container.Id, Fn.Id);
        await _parts.Containers.RemoveAsync(container);
    }

    private void StartFailed(ContainerStartError error, bool ahead, Launch launch)
    {
        List<(bool AsyncPool, bool Ahead)>? launches;
        lock (_lock)
        {
            _starting--;
            if (ahead)
            {
                // A container kept hot could not start (a missing image, a crashing fn): try again later, not in a loop.
                _aheadRetryAt = Time.GetTimestamp() + (long)(AheadRetryDelay.TotalSeconds * Time.TimestampFrequency);
                _aheadRetry ??= Time.CreateTimer(static q => ((SlotQueue)q!).Pump(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                _aheadRetry.Change(AheadRetryDelay, Timeout.InfiniteTimeSpan);
            }

            // The oldest waiting call learns why; the others too when nothing else could serve them.
            // A start cancelled by shutdown fails nobody: shutdown answers the waiting calls itself.
            var failAll = _busy.Count == 0 && _starting == 0;
            while (!Lifetime.IsStopping && _waiters.First is { } first)
            {
                CompleteWaiterLocked(first.Value, Grant.Fail(StartFailure(error, launch.Detail, launch.Reason)));
                if (!failAll)
                {
                    break;
                }
            }

            launches = PumpLocked();
        }

        StartLaunches(launches);
        _parts.ForgetIfEmpty(this);
        _parts.Observer.StateChanged();
    }

    /// <summary>The answer of a call of the queue once its fn was removed (404).</summary>
    private CallResult FnRemovedResult() => CallResult.Failed(CallStatus.FnRemoved, CallErrors.FnRemoved(Fn.Id));

    /// <summary>
    /// The outcome of waiting calls when a start failed: image failures (missing, refused by its registry, a pull
    /// past its timeout, a refused image) tell the caller the driver's account, which names the image, the
    /// registry and what to set; a container that would not start gets Fn's messages, followed by the reason the
    /// driver gave (the contract rule its socket broke, its exit code). The driver's whole account (the container
    /// and its last output lines) becomes the call's log.
    /// </summary>
    private CallResult StartFailure(ContainerStartError error, string? detail, string? reason) => error switch
    {
        ContainerStartError.ImageNotFound => CallResult.Failed(CallStatus.ImageNotFound, CallErrors.ImageNotFound(Fn.Image, detail), detail),
        ContainerStartError.ImageUnauthorized => CallResult.Failed(CallStatus.ImageNotFound, CallErrors.ImageUnauthorized(Fn.Image, detail), detail),
        ContainerStartError.ImagePullTimedOut => CallResult.Failed(CallStatus.ImageNotFound, CallErrors.ImagePullTimedOut(Fn.Image, detail), detail),
        ContainerStartError.ImageRefused => CallResult.Failed(CallStatus.ContainerInitFailed, CallErrors.ImageRefused(Fn.Image, detail), detail),
        ContainerStartError.InitTimedOut => CallResult.Failed(CallStatus.ContainerInitTimedOut, CallErrors.ContainerInitTimedOut, detail),
        ContainerStartError.EngineUnavailable => CallResult.EngineUnavailable(EngineBackoff.Max),
        ContainerStartError.NodeFault => CallResult.Failed(CallStatus.NodeFault, CallErrors.NodeFault(reason), detail),
        _ => CallResult.Failed(CallStatus.ContainerInitFailed, CallErrors.ContainerInitFailedBecause(reason), detail),
    };
}
