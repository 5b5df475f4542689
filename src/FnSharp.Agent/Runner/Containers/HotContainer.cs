using FnSharp.Agent.Calls;
using FnSharp.Agent.Drivers;
using FnSharp.Agent.Protocol;
using Microsoft.Extensions.Logging;

namespace FnSharp.Agent.Runner.Containers;

/// <summary>
/// A container of one slot queue from its creation to its removal, with its protocol client and its
/// memory reservation. Its own state is guarded by its own lock, which is never held while anything else
/// is called: the idle episodes (the timers that pause it and time it out while it waits for a call), its
/// pause, and when its current call was assigned. Where it sits (idle, busy) is its slot queue's state.
/// </summary>
internal sealed class HotContainer
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private Task? _removal;
    private long _assignedAt;
    private int _episode;
    private ITimer? _idleTimer;
    private ITimer? _pauseTimer;
    private Action<HotContainer, int>? _onIdleTimeout;
    private Task<bool>? _pause;
    private int _calls;
    private TimeSpan? _cpuMark;
    private long _cpuMarkedAt;
    private double _pauseCpuMs;

    /// <summary>Creates the container of a slot queue, just created by its driver.</summary>
    /// <param name="container">The driver's container.</param>
    /// <param name="slotKey">The key of its slot queue (<see cref="Queue.SlotKey"/>).</param>
    /// <param name="fnId">Its fn.</param>
    /// <param name="memoryMiB">The memory reserved for its life, in MiB.</param>
    /// <param name="asyncPool">Whether the reservation counts against the async share.</param>
    /// <param name="time">The runner's clock, for the idle timers.</param>
    /// <param name="logger">Logs a pause that failed.</param>
    public HotContainer(IFnContainer container, string slotKey, string fnId, long memoryMiB, bool asyncPool, TimeProvider time, ILogger logger)
    {
        Container = container;
        SlotKey = slotKey;
        FnId = fnId;
        MemoryMiB = memoryMiB;
        AsyncPool = asyncPool;
        _time = time;
        _logger = logger;
        Client = new HttpStreamClient(container.SocketPath);
    }

    public IFnContainer Container { get; }

    /// <summary>The key of the slot queue the container serves.</summary>
    public string SlotKey { get; }

    public string FnId { get; }

    /// <summary>The memory reserved for the container's life, in MiB.</summary>
    public long MemoryMiB { get; }

    /// <summary>Whether the reservation counts against the async share.</summary>
    public bool AsyncPool { get; }

    /// <summary>The http-stream client of its socket; it connects on the first call, once the container is started.</summary>
    public HttpStreamClient Client { get; }

    /// <summary>Whether the container was started ahead of demand (min-hot, a pre-warm) rather than for waiting calls.</summary>
    public bool StartedAhead { get; init; }

    /// <summary>Whether a call was ever given the container.</summary>
    public bool Used => Volatile.Read(ref _calls) > 0;

    /// <summary>
    /// Whether the call it serves (or last served) is its first: a first call also pays the container's own warm-up
    /// (the FDK's first request, the connection), so it says little about how the fn's calls use the CPU.
    /// </summary>
    public bool OnFirstCall => Volatile.Read(ref _calls) == 1;

    /// <summary>Why its idle episode ends when it does (a label of <c>fnsharp_container_idle_outs_total</c>) and the windows it came from; set by its queue as it turns idle.</summary>
    public (string Reason, KeepAlive.KeepAliveWindows Windows) IdleEnd { get; set; }

    /// <summary>The phases of its start, once started.</summary>
    public ContainerStartPhases? StartPhases { get; set; }

    /// <summary>When the current call was assigned (a timestamp of the runner's clock).</summary>
    public long AssignedAt => Volatile.Read(ref _assignedAt);

    /// <summary>Whether the container is paused now (paused containers are idle).</summary>
    public bool IsPaused
    {
        get
        {
            lock (_lock)
            {
                return _pause is { IsCompletedSuccessfully: true, Result: true };
            }
        }
    }

    public bool IsRemoving => Volatile.Read(ref _removal) is not null;

    /// <summary>Reads the container's CPU time as the start of the next measurement (once started).</summary>
    public void MarkCpu()
    {
        var now = Container.ReadCpuTime();
        lock (_lock)
        {
            _cpuMark = now;
            _cpuMarkedAt = _time.GetTimestamp();
        }
    }

    /// <summary>
    /// The CPU time the container used since the last mark, in ms, and a new mark: the CPU of the call that
    /// just ended (and of the idle time before it, which is tiny). <see langword="null"/> when the driver cannot tell.
    /// </summary>
    public double? CpuMsSinceMark()
    {
        var now = Container.ReadCpuTime();
        lock (_lock)
        {
            var used = UsedSinceMarkLocked(now);
            _cpuMark = now;
            _cpuMarkedAt = _time.GetTimestamp();
            return used;
        }
    }

    /// <summary>
    /// Records that a call was given the container at <paramref name="timestamp"/> (of the runner's clock);
    /// returns whether it is the container's first call.
    /// </summary>
    public bool Assign(long timestamp)
    {
        Volatile.Write(ref _assignedAt, timestamp);
        return Interlocked.Increment(ref _calls) == 1;
    }

    /// <summary>
    /// Begins an idle episode: after <paramref name="idleTimeout"/> <paramref name="onIdleTimeout"/> runs with the
    /// episode's number, and after <paramref name="pauseAfter"/> (<see langword="null"/>: never) the container
    /// is weighed for a pause (<see cref="Queue.PausePolicy.LookAgainAfter"/>, from the CPU it used since its last call
    /// ended, or since it started: the mark of <see cref="CpuMsSinceMark"/> or <see cref="MarkCpu"/>), unless the
    /// episode ended first. Both due times are at least 1 ms away, so no timer fires here.
    /// </summary>
    /// <param name="idleTimeout">How long the episode lasts before <paramref name="onIdleTimeout"/>.</param>
    /// <param name="pauseAfter">When the container is first weighed for a pause; <see langword="null"/>: never.</param>
    /// <param name="onIdleTimeout">Runs with the episode's number once it lasted <paramref name="idleTimeout"/>.</param>
    /// <param name="pauseCpuMs">The idle CPU, in ms, at which a pause pays (<c>FN_FREEZE_CPU_MSECS</c>; 0 pauses when due).</param>
    /// <returns>The episode's number, for <see cref="IsIdleEpisode"/>.</returns>
    public int BeginIdle(TimeSpan idleTimeout, TimeSpan? pauseAfter, Action<HotContainer, int> onIdleTimeout, double pauseCpuMs)
    {
        lock (_lock)
        {
            StopTimersLocked();
            _pauseCpuMs = pauseCpuMs;
            var episode = ++_episode;
            _onIdleTimeout = onIdleTimeout;
            var state = new EpisodeTimer(this, episode);
            _idleTimer = _time.CreateTimer(static s => ((EpisodeTimer)s!).Container.OnIdleTimer(((EpisodeTimer)s).Episode), state, Max1Ms(idleTimeout), Timeout.InfiniteTimeSpan);
            if (pauseAfter is { } after)
            {
                _pauseTimer = _time.CreateTimer(static s => ((EpisodeTimer)s!).Container.OnPauseTimer(((EpisodeTimer)s).Episode), state, Max1Ms(after), Timeout.InfiniteTimeSpan);
            }

            return episode;
        }
    }

    /// <summary>Whether <paramref name="episode"/> is the idle episode going on now.</summary>
    public bool IsIdleEpisode(int episode)
    {
        lock (_lock)
        {
            return _episode == episode && _idleTimer is not null;
        }
    }

    /// <summary>Ends the idle episode, if any: its timers stop, and a callback already on its way does nothing.</summary>
    public void EndIdle()
    {
        lock (_lock)
        {
            StopTimersLocked();
            _episode++;
        }
    }

    /// <summary>
    /// Takes the pause of the last idle episode, if one began: it completes with whether the container was
    /// paused. Whoever gives the container to a call, or removes it, thaws it first.
    /// </summary>
    public Task<bool>? TakePause()
    {
        lock (_lock)
        {
            var pause = _pause;
            _pause = null;
            return pause;
        }
    }

    /// <summary>Runs <paramref name="remove"/> once; every caller gets the one removal's task. <paramref name="remove"/> never throws.</summary>
    public Task RemoveOnce(Func<HotContainer, Task> remove)
    {
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref _removal, completion.Task, null) is { } existing)
        {
            return existing;
        }

        _ = RunAsync();
        return completion.Task;

        async Task RunAsync()
        {
            try
            {
                await remove(this);
            }
            finally
            {
                completion.SetResult();
            }
        }
    }

    /// <summary>What an idle timer knows: its container and the episode it belongs to.</summary>
    private sealed record EpisodeTimer(HotContainer Container, int Episode);

    private static TimeSpan Max1Ms(TimeSpan due) => due < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : due;

    private void StopTimersLocked()
    {
        _idleTimer?.Dispose();
        _idleTimer = null;
        _pauseTimer?.Dispose();
        _pauseTimer = null;
        _onIdleTimeout = null;
    }

    private void OnIdleTimer(int episode)
    {
        Action<HotContainer, int>? onIdleTimeout;
        lock (_lock)
        {
            onIdleTimeout = _episode == episode ? _onIdleTimeout : null;
        }

        onIdleTimeout?.Invoke(this, episode);
    }

    private void OnPauseTimer(int episode)
    {
        // Read before the lock, which is never held while anything else is called.
        var now = Container.ReadCpuTime();
        lock (_lock)
        {
            if (_episode != episode || _pauseTimer is null || _pause is not null)
            {
                return;
            }

            if (Queue.PausePolicy.LookAgainAfter(UsedSinceMarkLocked(now), _time.GetElapsedTime(_cpuMarkedAt), _pauseCpuMs) is { } again)
            {
                _pauseTimer.Change(again, Timeout.InfiniteTimeSpan);
                return;
            }

            _pause = Task.Run(PauseAsync);
        }
    }

    /// <summary>The CPU used since the mark, in ms, from <paramref name="now"/>; <see langword="null"/> when the driver cannot tell.</summary>
    private double? UsedSinceMarkLocked(TimeSpan? now) =>
        now - _cpuMark is { } cpu && cpu >= TimeSpan.Zero ? cpu.TotalMilliseconds : null;

    private async Task<bool> PauseAsync()
    {
        try
        {
            await Container.PauseAsync(CancellationToken.None);
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            RunnerLog.PauseFailed(_logger, e, Container.Id);
            return false;
        }
    }
}
