namespace FnSharp.Agent.Runner.KeepAlive;

/// <summary>
/// A fn's idle times between calls, counted in a range-limited histogram (Shahrad et al., ATC'20, section 4.2),
/// with the latest idle times past its range kept apart for the out-of-bounds forecast. Not thread-safe: its
/// owner's lock guards it.
/// <para>
/// The paper's bins are one minute wide because its trace counts calls per minute; the runner sees each
/// arrival to the millisecond, and fixed one-minute bins would put a one-minute timer's idle times (59.9 s,
/// 60.1 s) in two bins and leave every idle time under a minute in the first one, where the pre-warm window
/// is 0. So the bins here are as fine as the windows' margin needs: bin 0 holds idle times under
/// <see cref="FirstBinSeconds"/>, and each later bin is <see cref="BinGrowth"/> times as wide as the one
/// before (bins 5% wide, finer than a minute below 20 minutes and as fine as a minute at 20 minutes),
/// up to <see cref="Range"/>: 198 bins, a few hundred bytes per fn.
/// </para>
/// </summary>
internal sealed class IdleHistogram
{
    /// <summary>The histogram's range, the paper's four hours: longer idle times are out of bounds.</summary>
    public static readonly TimeSpan Range = TimeSpan.FromHours(4);

    /// <summary>The upper edge of bin 0, in seconds.</summary>
    public const double FirstBinSeconds = 1;

    /// <summary>How much wider each bin is than the one before: each spans 5% of its lower edge, half the windows' 10% margin.</summary>
    public const double BinGrowth = 1.05;

    /// <summary>How many of the latest out-of-bounds idle times are kept for the forecast.</summary>
    public const int OutOfBoundsKept = 5;

    /// <summary>How many bins the histogram has.</summary>
    public static readonly int BinCount = 1 + (int)Math.Ceiling(Math.Log(Range.TotalSeconds / FirstBinSeconds) / Math.Log(BinGrowth));

    /// <summary>When the in-bounds idle times reach this many, every bin is halved: the histogram follows a fn whose calls change, its older idle times weighing less.</summary>
    public const int HalveAt = 10_000;

    private readonly int[] _bins = new int[BinCount];
    private readonly Queue<TimeSpan> _outOfBounds = new();

    /// <summary>Idle times counted in the bins.</summary>
    public int InBounds { get; private set; }

    /// <summary>Idle times longer than <see cref="Range"/>.</summary>
    public int OutOfBounds { get; private set; }

    /// <summary>Every idle time counted.</summary>
    public int Count => InBounds + OutOfBounds;

    /// <summary>The latest out-of-bounds idle times, oldest first (at most <see cref="OutOfBoundsKept"/>).</summary>
    public IReadOnlyCollection<TimeSpan> LatestOutOfBounds => _outOfBounds;

    /// <summary>How many idle times <paramref name="bin"/> holds.</summary>
    public int CountIn(int bin) => _bins[bin];

    /// <summary>Counts one idle time (a negative one counts as 0).</summary>
    public void Add(TimeSpan idle)
    {
        if (idle >= Range)
        {
            OutOfBounds++;
            _outOfBounds.Enqueue(idle);
            if (_outOfBounds.Count > OutOfBoundsKept)
            {
                _outOfBounds.Dequeue();
            }

            return;
        }

        _bins[BinOf(idle)]++;
        InBounds++;
        if (InBounds >= HalveAt)
        {
            InBounds = 0;
            OutOfBounds /= 2;
            for (var bin = 0; bin < _bins.Length; bin++)
            {
                _bins[bin] /= 2;
                InBounds += _bins[bin];
            }
        }
    }

    /// <summary>The bin an idle time shorter than <see cref="Range"/> falls in.</summary>
    public static int BinOf(TimeSpan idle)
    {
        var seconds = idle.TotalSeconds;
        if (seconds < FirstBinSeconds)
        {
            return 0;
        }

        var bin = 1 + (int)Math.Floor(Math.Log(seconds / FirstBinSeconds) / Math.Log(BinGrowth));
        return Math.Min(bin, BinCount - 1);
    }

    /// <summary>The lower edge of <paramref name="bin"/>.</summary>
    public static TimeSpan LowerEdge(int bin) =>
        bin == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(FirstBinSeconds * Math.Pow(BinGrowth, bin - 1));

    /// <summary>The upper edge of <paramref name="bin"/> (the range's end for the last one).</summary>
    public static TimeSpan UpperEdge(int bin) =>
        bin >= BinCount - 1 ? Range : TimeSpan.FromSeconds(FirstBinSeconds * Math.Pow(BinGrowth, bin));

    /// <summary>The first bin at which the in-bounds idle times counted so far reach <paramref name="share"/> (0 to 1) of them; 0 when there are none.</summary>
    public int PercentileBin(double share)
    {
        var seen = 0;
        for (var bin = 0; bin < _bins.Length; bin++)
        {
            seen += _bins[bin];
            if (seen > 0 && seen >= share * InBounds)
            {
                return bin;
            }
        }

        return 0;
    }

    /// <summary>
    /// The coefficient of variation of the bin counts (their standard deviation over their mean, as the paper
    /// measures it): high when the idle times gather in a few bins, low when they spread over many. 0 when empty.
    /// </summary>
    public double BinCountCv()
    {
        if (InBounds == 0)
        {
            return 0;
        }

        var mean = (double)InBounds / _bins.Length;
        var squares = 0.0;
        foreach (var count in _bins)
        {
            squares += (count - mean) * (count - mean);
        }

        return Math.Sqrt(squares / (_bins.Length - 1)) / mean;
    }
}
