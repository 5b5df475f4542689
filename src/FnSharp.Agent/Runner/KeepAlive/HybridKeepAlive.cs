namespace FnSharp.Agent.Runner.KeepAlive;

/// <summary>
/// The hybrid histogram policy (pure) of Shahrad et al., "Serverless in the Wild", USENIX ATC'20, section 4.2:
/// from a fn's histogram of idle times, a pre-warm window at its <see cref="HeadPercentile"/> (less a
/// <see cref="Margin"/>) and a keep-alive window until its <see cref="TailPercentile"/> (plus the margin), each
/// bounded by the fn's <c>idle_timeout</c> (see <see cref="MinPrewarmShare"/> for when it pre-warms). It falls back to the fixed <c>idle_timeout</c> when the histogram does
/// not represent the fn:
/// <list type="bullet">
/// <item>fewer than <see cref="MinSamples"/> idle times (the paper has no minimum, but with fewer the head and
/// tail percentiles are the smallest and largest idle times, and the bin counts' coefficient of variation is
/// high for any few samples, so one idle time would pass for a pattern);</item>
/// <item>the bin counts' coefficient of variation under <see cref="CvThreshold"/> (the paper's test and threshold:
/// the idle times spread over many bins, so no window predicts the next one; the issue's wording, "too high a
/// coefficient of variation", is the same test stated of the idle times themselves, whose spread makes the bin
/// counts even).</item>
/// </list>
/// When at least <see cref="OutOfBoundsShare"/> of the idle times are longer than the histogram's range, the
/// paper forecasts the next one with ARIMA; here the forecast is the median of the latest ones
/// (<see cref="IdleHistogram.OutOfBoundsKept"/>, from <see cref="MinForecastSamples"/> of them), with the paper's 15% margin either side: such fns are called
/// every few hours or less, often by timers, whose idle times repeat, and a median follows a changed period after
/// three calls without a model to fit.
/// </summary>
internal static class HybridKeepAlive
{
    /// <summary>The share of idle times before the pre-warm window opens: the paper's 5th percentile.</summary>
    public const double HeadPercentile = 0.05;

    /// <summary>The share of idle times within the keep-alive window: the paper's 99th percentile.</summary>
    public const double TailPercentile = 0.99;

    /// <summary>The margin taken off the pre-warm window and added to the keep-alive window: the paper's 10%.</summary>
    public const double Margin = 0.10;

    /// <summary>The margin either side of the out-of-bounds forecast: the paper's 15%.</summary>
    public const double ForecastMargin = 0.15;

    /// <summary>The fewest idle times from which the histogram is used.</summary>
    public const int MinSamples = 10;

    /// <summary>The fewest idle times past the range from which they are forecast (fns called every few hours have few).</summary>
    public const int MinForecastSamples = 3;

    /// <summary>The coefficient of variation of the bin counts under which the idle times are too spread to predict: the paper's 2.</summary>
    public const double CvThreshold = 2;

    /// <summary>The share of idle times past the range from which the forecast is used: the paper's half.</summary>
    public const double OutOfBoundsShare = 0.5;

    /// <summary>
    /// The shortest pre-warm window: a container that would be started again sooner after a call is kept
    /// instead (stopping it frees its memory for a few seconds, at the cost of a start).
    /// </summary>
    public static readonly TimeSpan MinPrewarm = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The least share of the keep-alive window's end at which the pre-warm opens. Stopping a container when its
    /// call ends costs a cold start for every idle time shorter than the pre-warm window (the head's 5% by
    /// construction) and saves its memory only for that window; when the window is a small part of the kept time
    /// (idle times spread from a few seconds to many minutes, as a Poisson fn's do) that trade loses, so the container
    /// is kept instead. The paper pre-warms whenever the head is above zero; this is FnSharp's rule.
    /// </summary>
    public const double MinPrewarmShare = 0.5;

    /// <summary>The windows of a fn with <paramref name="histogram"/> and <paramref name="idleTimeout"/> (the longest an idle container is kept).</summary>
    public static KeepAliveWindows Windows(IdleHistogram histogram, TimeSpan idleTimeout)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        var samples = histogram.Count;
        if (Unlearned(histogram, idleTimeout) is { } unlearned)
        {
            return unlearned;
        }

        if (histogram.BinCountCv() < CvThreshold)
        {
            return KeepAliveWindows.Fixed(idleTimeout, KeepAliveBasis.Spread, samples);
        }

        var head = IdleHistogram.LowerEdge(histogram.PercentileBin(HeadPercentile)) * (1 - Margin);
        var tail = IdleHistogram.UpperEdge(histogram.PercentileBin(TailPercentile)) * (1 + Margin);
        return Bounded(head, tail, idleTimeout, KeepAliveBasis.Histogram, samples);
    }

    /// <summary>
    /// The windows of a fn whose histogram does not hold a pattern to learn from, shared by the hybrid and the cost
    /// policies: the out-of-bounds forecast when most idle times are past the range, the fixed <paramref name="idleTimeout"/>
    /// when there are fewer than <paramref name="minSamples"/>; <see langword="null"/> when the histogram is to be used.
    /// </summary>
    public static KeepAliveWindows? Unlearned(IdleHistogram histogram, TimeSpan idleTimeout, int minSamples = MinSamples)
    {
        var samples = histogram.Count;
        if (histogram.OutOfBounds >= MinForecastSamples && histogram.OutOfBounds >= OutOfBoundsShare * samples)
        {
            var forecast = Median(histogram.LatestOutOfBounds);
            return Bounded(forecast * (1 - ForecastMargin), forecast * (1 + ForecastMargin), idleTimeout, KeepAliveBasis.OutOfBounds, samples);
        }

        return samples < minSamples ? KeepAliveWindows.Fixed(idleTimeout, KeepAliveBasis.TooFewSamples, samples) : null;
    }

    /// <summary>
    /// Windows that start a container at <paramref name="prewarmAt"/> after a call and keep one until
    /// <paramref name="keepUntil"/> after it, no container idle longer than <paramref name="idleTimeout"/>: a window
    /// longer than that is cut to its middle <paramref name="idleTimeout"/> (a timer's next call is nearer the middle
    /// of the margins around it than either end). A pre-warm sooner than <see cref="MinPrewarm"/> or than
    /// <see cref="MinPrewarmShare"/> of the window's end keeps the container instead, for the whole
    /// <paramref name="idleTimeout"/>: the paper would stop it at the tail (the 99th percentile plus the margin), but
    /// that costs a cold start for each idle time past the tail that the idle timeout would have spared (1% of a
    /// frequent fn's calls, and about one in as many idle times as were seen while they are few) and saves little
    /// memory (a frequent fn's long idle times are rare). Measured on the keep-alive replay (docs/benchmarks.md):
    /// with the tail cut the policy made more cold starts than the fixed 10 minutes for 0.83x its memory, worse
    /// than the fixed policies' own trade; without it, fewer cold starts for 0.84x.
    /// </summary>
    private static KeepAliveWindows Bounded(TimeSpan prewarmAt, TimeSpan keepUntil, TimeSpan idleTimeout, KeepAliveBasis basis, int samples)
    {
        if (prewarmAt < MinPrewarm || prewarmAt < keepUntil * MinPrewarmShare)
        {
            return new KeepAliveWindows(null, idleTimeout, basis, samples);
        }

        if (keepUntil - prewarmAt <= idleTimeout)
        {
            return new KeepAliveWindows(prewarmAt, keepUntil - prewarmAt, basis, samples);
        }

        var middle = (prewarmAt + keepUntil) / 2;
        return new KeepAliveWindows(middle - (idleTimeout / 2), idleTimeout, basis, samples);
    }

    private static TimeSpan Median(IReadOnlyCollection<TimeSpan> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
