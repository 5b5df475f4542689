using System.Collections.Concurrent;

namespace FnSharp.Agent.Runner.KeepAlive;

/// <summary>
/// The keep-alive policy of the node (<c>FN_KEEPALIVE_POLICY</c>): under <see cref="KeepAlivePolicyKind.Hybrid"/> and
/// <see cref="KeepAlivePolicyKind.Cost"/>, each fn's histogram of idle times (from the end of its last call to the
/// arrival of the next, counted only when none of its calls runs) and the windows taken from it
/// (<see cref="HybridKeepAlive"/>, <see cref="CostKeepAlive"/>); under
/// <see cref="KeepAlivePolicyKind.Fixed"/> it learns nothing and every window is the fn's <c>idle_timeout</c>. It
/// outlives the fn's slot queues (a queue is forgotten when it holds nothing), so a fn called every few hours
/// keeps its history. It holds at most <see cref="MaxFns"/> fns (about 1 KiB each); past that, fns it does not
/// know yet keep the fixed windows. Thread-safe: one lock per fn, taken under a slot queue's lock and never the other way round.
/// </summary>
internal sealed class KeepAliveBook
{
    /// <summary>The most fns whose idle times the book learns.</summary>
    public const int MaxFns = 20_000;

    private readonly ConcurrentDictionary<string, Entry> _fns = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    private readonly double _coldStartGiBSeconds;

    /// <param name="policy">The node's policy.</param>
    /// <param name="time">The runner's clock.</param>
    /// <param name="coldStartGiBSeconds">The cost policy's price of a cold start, in GiB-seconds (<see cref="CostKeepAlive"/>).</param>
    public KeepAliveBook(KeepAlivePolicyKind policy, TimeProvider time, double coldStartGiBSeconds = CostKeepAlive.DefaultColdStartPriceGiBSeconds)
    {
        Policy = policy;
        _time = time;
        _coldStartGiBSeconds = coldStartGiBSeconds;
    }

    /// <summary>The node's policy.</summary>
    public KeepAlivePolicyKind Policy { get; }

    /// <summary>How many fns the book holds a history for.</summary>
    public int Count => _fns.Count;

    /// <summary>
    /// A call of <paramref name="fnId"/> arrived at <paramref name="timestamp"/> (the runner's clock); when no call
    /// of the fn <paramref name="running"/>, the time since its last call ended is one idle time.
    /// </summary>
    public void Arrived(string fnId, long timestamp, bool running)
    {
        if (Policy == KeepAlivePolicyKind.Fixed || running || !_fns.TryGetValue(fnId, out var entry))
        {
            return;
        }

        lock (entry)
        {
            if (entry.LastEnd != 0)
            {
                entry.Histogram.Add(_time.GetElapsedTime(entry.LastEnd, timestamp));
                entry.LastEnd = 0;
            }
        }
    }

    /// <summary>A call of <paramref name="fnId"/> ended at <paramref name="timestamp"/> (the runner's clock).</summary>
    public void Ended(string fnId, long timestamp)
    {
        if (Policy == KeepAlivePolicyKind.Fixed)
        {
            return;
        }

        if (!_fns.TryGetValue(fnId, out var entry))
        {
            if (_fns.Count >= MaxFns)
            {
                return;
            }

            entry = _fns.GetOrAdd(fnId, static _ => new Entry());
        }

        lock (entry)
        {
            entry.LastEnd = timestamp;
        }
    }

    /// <summary>
    /// The windows of <paramref name="fnId"/> now, none longer than <paramref name="idleTimeout"/> (the fn's
    /// <c>idle_timeout</c>); the cost policy weighs its containers' <paramref name="memoryMiB"/>.
    /// </summary>
    public KeepAliveWindows Windows(string fnId, TimeSpan idleTimeout, int memoryMiB)
    {
        if (Policy == KeepAlivePolicyKind.Fixed)
        {
            return KeepAliveWindows.Fixed(idleTimeout);
        }

        if (!_fns.TryGetValue(fnId, out var entry))
        {
            return KeepAliveWindows.Fixed(idleTimeout, KeepAliveBasis.TooFewSamples);
        }

        lock (entry)
        {
            return Policy == KeepAlivePolicyKind.Hybrid ? HybridKeepAlive.Windows(entry.Histogram, idleTimeout) : entry.CostWindows(idleTimeout, memoryMiB, _coldStartGiBSeconds);
        }
    }

    /// <summary>One fn's history; its own lock guards it.</summary>
    private sealed class Entry
    {
        public IdleHistogram Histogram { get; } = new();

        /// <summary>When the fn's last call ended (a timestamp), 0 once an arrival counted the idle time since.</summary>
        public long LastEnd { get; set; }

        private (int Count, TimeSpan IdleTimeout, int MemoryMiB, KeepAliveWindows Windows)? _cost;

        /// <summary>
        /// The cost policy's windows, worked out again only when they may have moved: the fn's settings changed, or its
        /// histogram grew, by one idle time while it holds few and by 1/64 once it holds many (the windows go over
        /// every pair of filled bins, up to tens of microseconds for a fn called at random, too much after each call of
        /// a fn called many times a second).
        /// </summary>
        public KeepAliveWindows CostWindows(TimeSpan idleTimeout, int memoryMiB, double coldStartGiBSeconds)
        {
            var count = Histogram.Count;
            if (_cost is { } cached && cached.IdleTimeout == idleTimeout && cached.MemoryMiB == memoryMiB
                && (cached.Count == count || (count >= RecostEvery && count - cached.Count < count / RecostEvery)))
            {
                return cached.Windows;
            }

            var windows = CostKeepAlive.Windows(Histogram, idleTimeout, memoryMiB, coldStartGiBSeconds);
            _cost = (count, idleTimeout, memoryMiB, windows);
            return windows;
        }

        private const int RecostEvery = 64;
    }
}
