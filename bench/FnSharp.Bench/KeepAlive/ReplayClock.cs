namespace FnSharp.Bench.KeepAlive;

/// <summary>
/// A fake clock for the keep-alive replay: virtual time that moves only when the replay says, firing each timer
/// at its own due time (the clock reads that time inside the callback) in due order, so that a container idled
/// out at 10:00:30 is counted until 10:00:30 however far the replay jumps. Thread-safe.
/// </summary>
internal sealed class ReplayClock : TimeProvider
{
    private static readonly DateTimeOffset Origin = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Lock _lock = new();
    private readonly PriorityQueue<(Timer Timer, long Version), (long Due, long Seq)> _due = new();
    private long _now;
    private long _seq;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>The virtual time since the replay's origin.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(Volatile.Read(ref _now));

    public override long GetTimestamp() => Volatile.Read(ref _now);

    public override DateTimeOffset GetUtcNow() => Origin + Elapsed;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new Timer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>
    /// Moves the clock to <paramref name="until"/>, firing every timer due by then at its due time, in order;
    /// after each, <paramref name="settle"/> lets the work it began finish before the next.
    /// </summary>
    public async Task RunUntilAsync(TimeSpan until, Func<Task> settle)
    {
        while (true)
        {
            Timer? timer = null;
            lock (_lock)
            {
                while (_due.TryPeek(out var entry, out var key) && key.Due <= until.Ticks)
                {
                    _due.Dequeue();
                    if (entry.Timer.Version == entry.Version)
                    {
                        timer = entry.Timer;
                        Volatile.Write(ref _now, Math.Max(_now, key.Due));
                        break;
                    }
                }
            }

            if (timer is null)
            {
                break;
            }

            timer.Fire();
            await settle();
        }

        lock (_lock)
        {
            Volatile.Write(ref _now, Math.Max(_now, until.Ticks));
        }
    }

    private void Schedule(Timer timer, long version, TimeSpan due)
    {
        lock (_lock)
        {
            _due.Enqueue((timer, version), (_now + Math.Max(0, due.Ticks), _seq++));
        }
    }

    /// <summary>One timer: each change gives it a new version, and only the latest version's entry fires.</summary>
    private sealed class Timer(ReplayClock clock, TimerCallback callback, object? state) : ITimer
    {
        private long _version;
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public long Version => Volatile.Read(ref _version);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var version = Interlocked.Increment(ref _version);
            _period = period;
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                clock.Schedule(this, version, dueTime);
            }

            return true;
        }

        public void Fire()
        {
            var version = Version;
            if (_period != Timeout.InfiniteTimeSpan && _period > TimeSpan.Zero)
            {
                clock.Schedule(this, version, _period);
            }

            callback(state);
        }

        public void Dispose() => Interlocked.Increment(ref _version);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
