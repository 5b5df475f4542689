namespace FnSharp.Agent.Runner.KeepAlive;

/// <summary>
/// The cost policy (pure; FnSharp's, after the hybrid histogram policy of Shahrad et al., ATC'20): each fn's windows
/// are the ones that, over the idle times in its histogram, keep the least container memory plus
/// a price for each cold start they leave (<c>FN_KEEPALIVE_COLD_START_GIB_SECS</c>, one price for the node). For one idle time <c>t</c>, a container kept
/// for <c>k</c> after the call costs <c>min(t, k)</c> seconds of its fn's memory and a cold start when <c>t &gt; k</c>;
/// one stopped at the call's end and pre-warmed at <c>p</c> until <c>q</c> costs <c>t - p</c> (or <c>q - p</c>) and a
/// cold start when <c>t &lt; p</c> or <c>t &gt; q</c>. So a rarely called fn whose idle times mostly exceed the
/// keep-alive is not kept after its calls (its memory would buy few warm starts), a frequent one is kept for the whole
/// <c>idle_timeout</c>, a bursty one is kept across its bursts only, and a timer is stopped and pre-warmed before its
/// next call.
/// <para>
/// Shared with the hybrid policy (<see cref="HybridKeepAlive.Unlearned"/>): idle times mostly past the histogram's
/// range are forecast. Not taken from it: the least number of idle times (see <see cref="MinSamples"/>), the test of the bin counts' coefficient of variation (the
/// cost of keeping a fn whose idle times spread is what tells whether to keep it) and the percentile windows (a
/// pre-warm opens the paper's 10% margin before a bin that holds idle times, and the cost chooses which bin).
/// No window is longer than the fn's <c>idle_timeout</c>; a pre-warm opens no sooner than
/// <see cref="HybridKeepAlive.MinPrewarm"/> after a call nor before <see cref="HybridKeepAlive.MinPrewarmShare"/> of its
/// window's end (a container stopped for a small part of the time it would be kept saves little for a start), and only
/// when it costs less than keeping the container. Container starts are not priced otherwise: a pre-warm is one start
/// for each idle time that reaches it (docs/benchmarks.md counts them).
/// A pre-warm window must hold at least <see cref="MinPrewarmHeld"/> of the idle times. On ties the longer
/// keep-alive wins, and keeping wins over a pre-warm (it starts no container).
/// </para>
/// </summary>
internal static class CostKeepAlive
{
    /// <summary>
    /// The default price of one cold start (<c>FN_KEEPALIVE_COLD_START_GIB_SECS</c>), in GiB-seconds of idle container
    /// memory: a 128 MiB container is kept up to 40 minutes' worth, a 512 MiB one 10 minutes' worth, for each cold
    /// start it saves. Chosen on the keep-alive replay's seed 17 (docs/benchmarks.md) among 60, 120, 200, 300 and 500:
    /// the lowest at which the cost policy bounded by 10 minutes has fewer cold starts than the fixed 10 minutes.
    /// </summary>
    public const double DefaultColdStartPriceGiBSeconds = 300;

    /// <summary>
    /// The least share of the idle times a pre-warm window must hold. A pre-warm is a container start after every call
    /// whose idle time reaches it; a window that holds one or two of the idle times seen (the longest, typically,
    /// where it costs least) is a bet on those alone, so windows are pre-warmed only where the idle times gather, as
    /// a timer's do.
    /// </summary>
    public const double MinPrewarmHeld = 0.5;

    /// <summary>
    /// The fewest idle times from which the cost decides: one. The hybrid policy waits for
    /// <see cref="HybridKeepAlive.MinSamples"/> because its percentiles of a few idle times are their extremes; the
    /// cost of windows is defined over any number, and its ties go to the longest keep-alive, so one idle time keeps the
    /// fixed <c>idle_timeout</c> unless keeping the container for it would have cost more than a cold start (a fn called
    /// again after hours is stopped when its call ends instead of being kept idle for nothing). A wrong guess costs a
    /// cold start and adds the idle time that corrects it. Measured on the keep-alive replay (docs/benchmarks.md),
    /// bounded by 10 minutes, against waiting for 10 idle times: fewer cold starts and less memory on both seeds.
    /// </summary>
    public const int MinSamples = 1;

    /// <summary>
    /// The fewest idle times from which a pre-warm is chosen: three, so that a pre-warm (a container start after every
    /// call) is a bet on idle times that gather, not on the one or two seen. On the keep-alive replay, pre-warming from
    /// the first idle time saved no memory against three and from ten left about twice the timers' cold starts.
    /// </summary>
    public const int MinPrewarmSamples = 3;

    private static readonly double[] s_middle = Edges(b => (IdleHistogram.LowerEdge(b) + IdleHistogram.UpperEdge(b)).TotalSeconds / 2);
    private static readonly double[] s_lower = Edges(b => IdleHistogram.LowerEdge(b).TotalSeconds);
    private static readonly double[] s_upper = Edges(b => IdleHistogram.UpperEdge(b).TotalSeconds);

    /// <summary>
    /// The windows of a fn with <paramref name="histogram"/>, <paramref name="idleTimeout"/> (the longest an idle
    /// container is kept) and <paramref name="memoryMiB"/> of memory per container, a cold start priced at
    /// <paramref name="coldStartGiBSeconds"/>.
    /// </summary>
    public static KeepAliveWindows Windows(IdleHistogram histogram, TimeSpan idleTimeout, int memoryMiB, double coldStartGiBSeconds = DefaultColdStartPriceGiBSeconds)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        if (HybridKeepAlive.Unlearned(histogram, idleTimeout, MinSamples) is { } unlearned)
        {
            return unlearned;
        }

        var costs = new Costs(histogram, memoryMiB / 1024.0, coldStartGiBSeconds);
        var bound = idleTimeout.TotalSeconds;

        // Keeping (no pre-warm): for no time, until the end of each bin that holds idle times, or for the idle_timeout.
        double? bestPrewarm = null;
        var bestLength = 0.0;
        var best = costs.Of(0, 0);
        foreach (var end in costs.Filled.Where(b => s_upper[b] < bound).Select(b => s_upper[b]).Append(bound))
        {
            var cost = costs.Of(0, end);
            if (cost <= best)
            {
                (best, bestLength) = (cost, end);
            }
        }

        // Pre-warming: from the margin before a bin that holds idle times until the margin after one at or past it; a
        // window longer than the idle_timeout is cut to its middle idle_timeout, as under the hybrid policy.
        for (var i = 0; histogram.Count >= MinPrewarmSamples && i < costs.Filled.Count; i++)
        {
            for (var j = i; j < costs.Filled.Count; j++)
            {
                var prewarm = s_lower[costs.Filled[i]] * (1 - HybridKeepAlive.Margin);
                var end = s_upper[costs.Filled[j]] * (1 + HybridKeepAlive.Margin);
                var length = end - prewarm;
                if (length > bound)
                {
                    (prewarm, length) = (((prewarm + end) / 2) - (bound / 2), bound);
                }

                if (prewarm < HybridKeepAlive.MinPrewarm.TotalSeconds || prewarm < (prewarm + length) * HybridKeepAlive.MinPrewarmShare)
                {
                    continue;
                }

                var cost = costs.Of(prewarm, prewarm + length);
                if (cost < best && costs.Held(prewarm, prewarm + length) >= MinPrewarmHeld * histogram.Count)
                {
                    (best, bestPrewarm, bestLength) = (cost, prewarm, length);
                }
            }
        }

        return new KeepAliveWindows(bestPrewarm is { } at ? TimeSpan.FromSeconds(at) : null, TimeSpan.FromSeconds(bestLength), KeepAliveBasis.Cost, histogram.Count);
    }

    private static double[] Edges(Func<int, double> of) => Enumerable.Range(0, IdleHistogram.BinCount).Select(of).ToArray();

    /// <summary>The cost of windows over one histogram, each bin's idle times taken at its middle.</summary>
    private sealed class Costs
    {
        private readonly int[] _count = new int[IdleHistogram.BinCount + 1];
        private readonly double[] _seconds = new double[IdleHistogram.BinCount + 1];
        private readonly int _all;
        private readonly double _memoryGiB;
        private readonly double _coldStartGiBSeconds;

        public Costs(IdleHistogram histogram, double memoryGiB, double coldStartGiBSeconds)
        {
            _all = histogram.Count;
            _memoryGiB = memoryGiB;
            _coldStartGiBSeconds = coldStartGiBSeconds;
            for (var bin = 0; bin < IdleHistogram.BinCount; bin++)
            {
                var count = histogram.CountIn(bin);
                _count[bin + 1] = _count[bin] + count;
                _seconds[bin + 1] = _seconds[bin] + (count * s_middle[bin]);
                if (count > 0)
                {
                    Filled.Add(bin);
                }
            }
        }

        /// <summary>The bins that hold idle times, in order.</summary>
        public List<int> Filled { get; } = [];

        /// <summary>
        /// The memory (GiB-seconds) and the priced cold starts of keeping a container from <paramref name="prewarm"/>
        /// seconds after each call (0: from the call's end, kept) until <paramref name="end"/> seconds after it, over
        /// every idle time counted (those past the range are past any window).
        /// </summary>
        public double Of(double prewarm, double end)
        {
            var from = FirstAtOrAfter(prewarm);
            var to = FirstAfter(end);
            var warm = _count[to] - _count[from];
            var past = _all - _count[to];
            var seconds = _seconds[to] - _seconds[from] - (prewarm * warm) + ((end - prewarm) * past);
            var cold = _count[from] + past;
            return (_memoryGiB * seconds) + (_coldStartGiBSeconds * cold);
        }

        /// <summary>How many idle times fall from <paramref name="prewarm"/> to <paramref name="end"/> seconds.</summary>
        public int Held(double prewarm, double end) => _count[FirstAfter(end)] - _count[FirstAtOrAfter(prewarm)];

        /// <summary>The first bin whose middle is at or after <paramref name="seconds"/> (the bin count when none is).</summary>
        private static int FirstAtOrAfter(double seconds)
        {
            var index = Array.BinarySearch(s_middle, seconds);
            return index >= 0 ? index : ~index;
        }

        /// <summary>The first bin whose middle is after <paramref name="seconds"/> (the bin count when none is).</summary>
        private static int FirstAfter(double seconds)
        {
            var index = Array.BinarySearch(s_middle, seconds);
            return index >= 0 ? index + 1 : ~index;
        }
    }
}
