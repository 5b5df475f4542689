namespace FnSharp.Agent.Runner.Queue;

/// <summary>
/// The throughput-feedback rule of one slot queue: a fn grows only as far as its completed calls per second
/// grow with it. It measures the fn's rate at each number of containers (over a period of at least
/// <see cref="Window"/> in which that number held and no container stood idle, so demand exceeded what they
/// served: a period starts again when a container goes idle or a call takes an idle one) and compares the rate after the last growth with the rate before it:
/// <list type="bullet">
/// <item>the rate rose by at least half of what the added containers would add if each served as many as
/// before: the next step doubles (1, 2, 4, 8 containers added), so a fn whose containers each add their
/// share grows to its demand in a few periods;</item>
/// <item>it rose by less than <see cref="NoGainShare"/> of that: the fn is held for <see cref="Hold"/>. When the
/// rate rose by less than <see cref="MinGain"/>, the added containers only slowed the others (64 connections on a
/// fast fn fell to 0.47x of one container's rate on 4 containers): it is held at the number of containers it had
/// before that growth, and containers above the hold are let go as their calls end. When it rose by more, though
/// far below their share (a Node fn at 256 connections on saturated CPUs: 2,260 calls/s on 2 containers against
/// 1,880 on 1), it is held at the containers it has, keeping what they add. Its calls queue (within the wait
/// bounds); after the hold
/// it measures and probes one more again, and each hold in a row lasts twice the one before (up to
/// <see cref="MaxHold"/>), so that a fn held at its best for long does not start and let go a container
/// every <see cref="Hold"/>; a growth that raised the rate, or a container gone idle, ends the row;</item>
/// <item>in between: one more container, then measure again.</item>
/// </list>
/// It adds nothing before the current number of containers was measured, and one step at a time. Its slot queue asks it
/// before each start and, for a fn that does not mostly wait, whenever calls wait on more than one container, so that a
/// growth is judged also when the CPU rule starts no more. It complements
/// <see cref="LaunchPolicy"/>'s CPU rule, whose measured CPU share per call is the wrong signal when other work
/// on the node makes every call wait for a CPU, and whose reading of the node's CPUs is the wrong signal when
/// something else bounds the fn: on a quiet 2-core node a fast fn at 64 and 256 connections grew to 14 and 28
/// containers where 2 served best, the rule being off while its CPUs read under <see cref="LaunchPolicy.SaturatedBusy"/>
/// busy. So it holds whatever the node's CPUs read, for every fn whose calls are short enough to measure its rate in
/// time (at most a quarter of <see cref="Window"/> on average): on saturated CPUs always; on others once its call time
/// was measured and while none of its calls has run longer than a window (a fn whose first calls have not ended, or
/// whose calls turned long, grows by the start-time and CPU rules).
/// A fn that mostly waits on its own (<see cref="LaunchPolicy.MostlyWaits"/>: it sleeps or waits on I/O) is not
/// held back by steps: it grows to its demand as the launch policy says. On saturated CPUs its rate is measured at
/// each number of containers all the same, so that it is held when a growth served no more calls (a fast fn whose
/// calls only looked like waiting because they waited for the busy CPUs); on CPUs with room it is left alone.
/// Not thread-safe: its slot queue's lock guards it; times are timestamps of the runner's clock.
/// </summary>
internal sealed class ThroughputFeedback
{
    /// <summary>The shortest period over which a rate is measured.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    /// <summary>How long a fn is held at the containers that served best, and how long a measured rate is trusted.</summary>
    public static readonly TimeSpan Hold = TimeSpan.FromSeconds(30);

    /// <summary>The longest hold, that of a fn held many times in a row: <see cref="Hold"/> doubled three times.</summary>
    public static readonly TimeSpan MaxHold = Hold * 8;

    /// <summary>The calls each container must complete in a period for its rate to count.</summary>
    public const int CallsPerContainer = 4;

    /// <summary>The share of the ideal gain below which an added container did not raise the rate.</summary>
    public const double NoGainShare = 0.25;

    /// <summary>
    /// The gain in completed calls per second, as a share of the rate before a growth, from which a growth that fell short of
    /// <see cref="NoGainShare"/> of its ideal keeps the containers it added (held at them, not at those before): a tenth,
    /// above the noise of rates measured over a <see cref="Window"/>; and at least two standard deviations of the period's
    /// count of calls (2 / sqrt(calls): 0.6 for 11 calls, 0.04 for 2,260), so that a fn of a few calls a second is not kept
    /// on a container for one call more.
    /// </summary>
    public const double MinGain = 0.1;

    /// <summary>The share of the ideal gain from which growth doubles its next step.</summary>
    public const double ScalingShare = 0.5;

    private readonly TimeProvider _time;
    private readonly Dictionary<int, (double Rate, long At)> _rates = [];
    private int _containers;
    private long _since;
    private int _calls;
    private int _step = 1;
    private int? _heldAt;
    private long _heldUntil;

    // The holds in a row, each after a probe that raised the rate too little; a gain or an idle container resets it.
    private int _holds;

    public ThroughputFeedback(TimeProvider time)
    {
        _time = time;
        _since = time.GetTimestamp();
    }

    /// <summary>The number of containers the fn is held at now, if it is.</summary>
    public int? HeldAt => _heldAt is { } held && _time.GetTimestamp() < _heldUntil ? held : null;

    /// <summary>A call of the fn completed on one of its <paramref name="containers"/> (busy and idle).</summary>
    public void Completed(int containers)
    {
        Observe(containers);
        _calls++;
    }

    /// <summary>
    /// A call took an idle container: the containers had room until now, so the period starts now. Without it the period
    /// that began when the container went idle counted the idle time before the load came: a Node fn called by 256
    /// connections right after a quiet spell read 1 container's rate at most 1,410 calls/s where it served 2,400, and grew
    /// to 3 containers on saturated CPUs, which served 1,590.
    /// </summary>
    public void TookIdle(int containers)
    {
        Observe(containers);
        Restart();
    }

    /// <summary>A container turned idle: demand fell below what the containers serve, so the period so far measures demand, not capacity.</summary>
    public void WentIdle(int containers)
    {
        Observe(containers);
        Restart();
        _holds = 0;
    }

    /// <summary>
    /// How many more containers the fn may start now, <see langword="null"/> when the rule sets no bound
    /// (see <see cref="ThroughputFeedback"/>).
    /// </summary>
    /// <param name="containers">The fn's containers, busy and idle.</param>
    /// <param name="starting">Its containers being started.</param>
    /// <param name="nodeBusy">The busy share of the node's CPUs lately (0 to 1), or <see langword="null"/> when unknown.</param>
    /// <param name="mostlyWaits">Whether the fn mostly waits on its own (<see cref="LaunchPolicy.MostlyWaits"/>).</param>
    /// <param name="callMs">The fn's average call time in ms, or <see langword="null"/> before one was measured.</param>
    /// <param name="oldestCallMs">How long the fn's oldest running call has run, in ms (0 when none runs).</param>
    /// <param name="held">Set when this decision holds the fn (the rates compared, for the log).</param>
    public int? Allowed(int containers, int starting, double? nodeBusy, bool mostlyWaits, double? callMs, double oldestCallMs, out ThroughputHold? held)
    {
        held = null;
        Observe(containers);
        var now = _time.GetTimestamp();
        if (!Applies(containers, nodeBusy, mostlyWaits, callMs, oldestCallMs))
        {
            _step = 1;
            return null;
        }

        if (_heldAt is { } at && now < _heldUntil)
        {
            return Math.Max(0, at - containers - starting);
        }

        _heldAt = null;

        // A fn that mostly waits grows as the launch policy says, starts under way or not; it is held only when a growth served no more.
        var waiting = mostlyWaits;
        if ((starting > 0 && !waiting) || Measure(now) is not { } rate)
        {
            return waiting ? null : 0;
        }

        _rates[containers] = (rate, now);
        if (Before(containers, now) is not { } before)
        {
            return waiting ? null : _step = 1;
        }

        var ideal = (double)(containers - before.Containers) / before.Containers;
        var gain = (rate / before.Rate) - 1;
        if (gain < NoGainShare * ideal)
        {
            // Held where it was before that growth when the fewer containers served about as many calls; where it is
            // when the growth served a few more, too few to grow further.
            var length = Hold * (1 << Math.Min(_holds, 3));
            _holds++;
            _heldAt = gain >= Math.Max(MinGain, 2 / Math.Sqrt(_calls)) ? containers : before.Containers;
            _heldUntil = now + (long)(length.TotalSeconds * _time.TimestampFrequency);
            _step = 1;
            held = new ThroughputHold(containers, rate, before.Containers, before.Rate, _heldAt.Value, nodeBusy, length);
            return 0;
        }

        _holds = 0;
        if (waiting)
        {
            return null;
        }

        _step = gain >= ScalingShare * ideal ? 2 * (containers - before.Containers) : 1;
        return _step;
    }

    /// <summary>
    /// Whether the rule bounds the fn now (see <see cref="ThroughputFeedback"/>): it has a container and its calls are
    /// short enough to measure its rate in a <see cref="Window"/>; then, on saturated CPUs, always; on CPUs that read
    /// otherwise (or unknown), once its call time was measured, unless it mostly waits or one of its calls has run
    /// longer than a window (its rate cannot be measured now; the launch policy's start-time and CPU rules decide).
    /// A fn none of whose calls has ended yet and whose first call has run longer than a window is not short on any
    /// CPUs: held, it stayed on one container until that call ended (detached calls of 10 s each, on a node whose
    /// CPUs read saturated, waited out <c>FN_MAX_WAIT_MSECS</c> behind the first and were refused).
    /// </summary>
    private static bool Applies(int containers, double? nodeBusy, bool mostlyWaits, double? callMs, double oldestCallMs)
    {
        if (containers == 0 || callMs > Window.TotalMilliseconds / CallsPerContainer || (callMs is null && oldestCallMs > Window.TotalMilliseconds))
        {
            return false;
        }

        return nodeBusy >= LaunchPolicy.SaturatedBusy || (callMs is not null && !mostlyWaits && oldestCallMs <= Window.TotalMilliseconds);
    }

    /// <summary>Whether the fn holds more containers than it is held at, so that one whose call ends is let go.</summary>
    public bool Surplus(int containers) => HeldAt is { } held && containers > held;

    /// <summary>Starts a new period when the number of containers changed.</summary>
    private void Observe(int containers)
    {
        if (containers != _containers)
        {
            _containers = containers;
            Restart();
        }
    }

    private void Restart()
    {
        _since = _time.GetTimestamp();
        _calls = 0;
    }

    /// <summary>Completed calls per second of the current period, once it is long enough and counted enough calls.</summary>
    private double? Measure(long now)
    {
        var elapsed = _time.GetElapsedTime(_since, now);
        return elapsed >= Window && _calls >= CallsPerContainer * _containers ? _calls / elapsed.TotalSeconds : null;
    }

    /// <summary>The rate measured at the most containers fewer than <paramref name="containers"/>, within <see cref="Hold"/>.</summary>
    private (int Containers, double Rate)? Before(int containers, long now)
    {
        (int Containers, double Rate)? before = null;
        foreach (var (count, (rate, at)) in _rates)
        {
            if (count < containers && _time.GetElapsedTime(at, now) < Hold && (before is null || count > before.Value.Containers))
            {
                before = (count, rate);
            }
        }

        return before;
    }
}
