namespace FnSharp.Bench;

/// <summary>Percentiles of samples, by the nearest-rank method, and medians.</summary>
internal static class Stats
{
    /// <summary>The <paramref name="percentile"/>-th (0-100) nearest-rank percentile of <paramref name="samples"/>; 0 when empty.</summary>
    public static double Percentile(IReadOnlyList<double> samples, double percentile)
    {
        if (samples.Count == 0)
        {
            return 0;
        }
        var sorted = samples.Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>The median of <paramref name="samples"/>: the middle one, or the mean of the middle two for an even count; 0 when empty.</summary>
    public static double Median(IReadOnlyList<double> samples)
    {
        if (samples.Count == 0)
        {
            return 0;
        }
        var sorted = samples.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>Rounds to <paramref name="digits"/> decimals, for readable JSON.</summary>
    public static double Round(double value, int digits = 2) => Math.Round(value, digits, MidpointRounding.AwayFromZero);
}
