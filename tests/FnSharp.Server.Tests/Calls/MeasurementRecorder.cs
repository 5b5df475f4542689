using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace FnSharp.Server.Tests.Calls;

/// <summary>Sums the counters of one meter instance, by instrument name and tags (<c>name{key=value,...}</c>).</summary>
internal sealed class MeasurementRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _sums = new(StringComparer.Ordinal);

    public MeasurementRecorder(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var labels = string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}"));
            _sums.AddOrUpdate(labels.Length == 0 ? instrument.Name : $"{instrument.Name}{{{labels}}}", value, (_, sum) => sum + value);
        });
        _listener.Start();
    }

    /// <summary>The sum of <paramref name="series"/> (for example <c>fnsharp_call_records_dropped_total{reason=queue_full}</c>); 0 when never measured.</summary>
    public long Sum(string series) => _sums.GetValueOrDefault(series);

    public void Dispose() => _listener.Dispose();
}
