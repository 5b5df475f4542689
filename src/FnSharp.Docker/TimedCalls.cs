using System.Diagnostics.Metrics;

namespace FnSharp.Docker;

/// <summary>
/// The two instruments of one kind of call the drivers time (Engine API operations, runc commands): a histogram of
/// durations in seconds and a counter of failures, both tagged with the call's name.
/// </summary>
internal sealed class TimedCalls
{
    // Seconds, from a quick command to a long pull.
    private static readonly InstrumentAdvice<double> DurationBuckets = new() { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] };

    private readonly string _tag;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _errors;

    /// <summary>Creates the two instruments on <paramref name="meter"/>.</summary>
    /// <param name="meter">Where they are.</param>
    /// <param name="tag">The tag that names the call, for example <c>operation</c>.</param>
    /// <param name="duration">The histogram's name and description.</param>
    /// <param name="errors">The counter's name and description.</param>
    public TimedCalls(Meter meter, string tag, (string Name, string Description) duration, (string Name, string Description) errors)
    {
        _tag = tag;
        _duration = meter.CreateHistogram(duration.Name, "s", duration.Description, advice: DurationBuckets);
        _errors = meter.CreateCounter<long>(errors.Name, null, errors.Description);
    }

    /// <summary>Records one call named <paramref name="name"/>: its time and, when it <paramref name="failed"/>, an error.</summary>
    public void Record(string name, TimeSpan elapsed, bool failed)
    {
        var tag = new KeyValuePair<string, object?>(_tag, name);
        _duration.Record(elapsed.TotalSeconds, tag);
        if (failed)
        {
            _errors.Add(1, tag);
        }
    }
}
