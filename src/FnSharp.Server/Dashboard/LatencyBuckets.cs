namespace FnSharp.Server.Dashboard;

/// <summary>
/// The fixed log-spaced buckets the live statistics count durations in: bucket 0 holds everything
/// under 0.1 ms, bucket <c>i</c> (1 to <see cref="Count"/> − 2) holds [0.1 ms × 2^((i−1)/8), 0.1 ms ×
/// 2^(i/8)), each about 9% wider than the one before, and the last holds everything from about 10 minutes
/// up. A quantile read from them is the geometric middle of its bucket: within about 4.5% of the exact value.
/// </summary>
internal static class LatencyBuckets
{
    /// <summary>How many buckets there are: 0.1 ms to 2^(186/8) × 0.1 ms (about 17 minutes), and the two open ends.</summary>
    public const int Count = 188;

    private const double LowestMs = 0.1;
    private const double PerOctave = 8;

    /// <summary>The bucket of a duration in seconds (negative and NaN durations count as the smallest).</summary>
    public static int Index(double seconds)
    {
        var ms = seconds * 1000;
        if (!(ms >= LowestMs))
        {
            return 0;
        }

        var index = (int)(Math.Log2(ms / LowestMs) * PerOctave) + 1;
        return Math.Min(index, Count - 1);
    }

    /// <summary>The lower bound of bucket <paramref name="index"/>, in ms (0 for bucket 0).</summary>
    public static double LowerMs(int index) => index <= 0 ? 0 : LowestMs * Math.Pow(2, (index - 1) / PerOctave);

    /// <summary>
    /// The <paramref name="quantile"/> (0 to 1) of the durations counted in <paramref name="counts"/>
    /// (one count per bucket), in ms rounded to 0.01 ms; <see langword="null"/> when nothing was counted.
    /// </summary>
    public static double? Quantile(ReadOnlySpan<long> counts, double quantile)
    {
        long total = 0;
        foreach (var c in counts)
        {
            total += c;
        }

        if (total == 0)
        {
            return null;
        }

        // The nearest-rank quantile: the smallest value with at least this many values at or below it.
        var rank = Math.Max(1, (long)Math.Ceiling(quantile * total));
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return Math.Round(Representative(i), 2);
            }
        }

        return Math.Round(Representative(counts.Length - 1), 2);
    }

    // The geometric middle of a bucket; the open ends stand for their one finite bound.
    private static double Representative(int index) => index switch
    {
        0 => LowestMs,
        Count - 1 => LowerMs(index),
        _ => Math.Sqrt(LowerMs(index) * LowerMs(index + 1)),
    };
}
