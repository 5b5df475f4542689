using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace FnSharp.Server.Tests.Calls;

/// <summary>
/// A meter factory of its own (as the host's container gives one) and the sums of the counters of the
/// meters it made, by instrument name and tags (<c>name{key=value,...}</c>): other tests' meters of the
/// same name are not counted.
/// </summary>
internal sealed class MeasurementRecorder : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _sums = new(StringComparer.Ordinal);

    public MeasurementRecorder()
    {
        MeterFactory = _services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, MeterFactory))
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

    /// <summary>The factory whose meters are counted; it disposes them with this recorder.</summary>
    public IMeterFactory MeterFactory { get; }

    /// <summary>The sum of <paramref name="series"/> (for example <c>fnsharp_call_records_dropped_total{reason=queue_full}</c>); 0 when never measured.</summary>
    public long Sum(string series) => _sums.GetValueOrDefault(series);

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }
}
