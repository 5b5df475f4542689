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
}
