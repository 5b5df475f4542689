using System.Globalization;

namespace FnSharp.Server.Tests.Telemetry;

/// <summary>Reads samples out of the Prometheus text format, for exact assertions.</summary>
internal static class PrometheusText
{
    /// <summary>
    /// The samples whose labels contain <paramref name="label"/> (for example <c>fn_id="..."</c>), keyed by
    /// name and the other labels in order, without the <c>otel_scope_*</c> labels and histogram buckets.
    /// </summary>
    public static SortedDictionary<string, double> Samples(string text, string label)
    {
        var samples = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith('#') || !line.Contains(label, StringComparison.Ordinal) || line.Contains("_bucket{", StringComparison.Ordinal))
            {
                continue;
            }

            var open = line.IndexOf('{', StringComparison.Ordinal);
            var close = line.LastIndexOf('}');
            var name = line[..open];
            var labels = line[(open + 1)..close]
                .Split(',', StringSplitOptions.RemoveEmptyEntries)
                .Where(l => l != label && !l.StartsWith("otel_scope_", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal);
            var value = line[(close + 1)..].Trim().Split(' ')[0];
            samples[$"{name}{{{string.Join(',', labels)}}}"] = double.Parse(value, CultureInfo.InvariantCulture);
        }

        return samples;
    }
}
