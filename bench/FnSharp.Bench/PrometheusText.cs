using System.Globalization;

namespace FnSharp.Bench;

/// <summary>Reads figures out of the Prometheus text format of a server's <c>/metrics</c>.</summary>
internal static class PrometheusText
{
    /// <summary>
    /// The sum of every series of metric <paramref name="name"/> in <paramref name="text"/>, or of those whose
    /// labels contain <paramref name="label"/> (for example <c>result="started"</c>) when it is given.
    /// </summary>
    public static double Sum(string text, string name, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        double sum = 0;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(name, StringComparison.Ordinal) && line.Length > name.Length && (line[name.Length] == '{' || line[name.Length] == ' ')
                && (label is null || line.Contains(label, StringComparison.Ordinal)))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

                // "name{labels} value [timestamp]": the value follows the closing brace.
                var valueIndex = line.Contains('}', StringComparison.Ordinal) ? Array.FindIndex(parts, p => p.EndsWith('}')) + 1 : 1;
                if (valueIndex > 0 && valueIndex < parts.Length && double.TryParse(parts[valueIndex], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    sum += value;
                }
            }
        }

        return sum;
    }

    /// <summary>
    /// The cumulative bucket counts of histogram <paramref name="name"/> (its <c>NAME_bucket</c> series) in
    /// <paramref name="text"/>, summed over the series whose labels contain <paramref name="label"/> when it is given,
    /// keyed by each bucket's upper bound (<c>le</c>, in the histogram's unit; <c>+Inf</c> as infinity).
    /// </summary>
    public static SortedDictionary<double, double> Buckets(string text, string name, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var buckets = new SortedDictionary<double, double>();
        var prefix = name + "_bucket{";
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(prefix, StringComparison.Ordinal) || (label is not null && !line.Contains(label, StringComparison.Ordinal)))
            {
                continue;
            }

            var le = line.IndexOf("le=\"", StringComparison.Ordinal);
            var close = line.IndexOf('}', StringComparison.Ordinal);
            if (le < 0 || close < 0)
            {
                continue;
            }

            var bound = line[(le + 4)..line.IndexOf('"', le + 4)];
            var upper = bound == "+Inf" ? double.PositiveInfinity : double.Parse(bound, NumberStyles.Float, CultureInfo.InvariantCulture);
            var parts = line[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length > 0 && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var count))
            {
                buckets[upper] = buckets.GetValueOrDefault(upper) + count;
            }
        }

        return buckets;
    }

    /// <summary>
    /// The upper bound of the bucket that holds quantile <paramref name="quantile"/> (0 to 1) of the observations made
    /// between two readings of one histogram (<see cref="Buckets"/> of each), or <see langword="null"/> when none was
    /// made: the quantile is at most this value (a histogram keeps no finer detail).
    /// </summary>
    public static double? QuantileUpperBound(SortedDictionary<double, double> before, SortedDictionary<double, double> after, double quantile)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var total = after.GetValueOrDefault(double.PositiveInfinity) - before.GetValueOrDefault(double.PositiveInfinity);
        if (total <= 0)
        {
            return null;
        }

        foreach (var (upper, count) in after)
        {
            if (count - before.GetValueOrDefault(upper) >= quantile * total)
            {
                return upper;
            }
        }

        return double.PositiveInfinity;
    }
}
