using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace FnSharp.Testing.Metrics;

/// <summary>
/// An <see cref="IMeterFactory"/> for tests: it listens to the instruments of the meters it creates, and
/// only to those (other tests' meters of the same name are not heard), and keeps every measurement.
/// </summary>
public sealed class MeasuringMeterFactory : IMeterFactory
{
    private readonly ConcurrentDictionary<Meter, byte> _meters = new();
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Instrument, string Tag, string Value, int Count), TaskCompletionSource> _watches = new();

    /// <summary>Creates the factory and starts listening.</summary>
    public MeasuringMeterFactory()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (_meters.ContainsKey(instrument.Meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Every measurement so far, in the order they were made.</summary>
    public ConcurrentQueue<Measured> Measurements { get; } = new();

    /// <summary>How many measurements <paramref name="instrument"/> made with the tag <paramref name="tag"/>=<paramref name="value"/>.</summary>
    public int CountOf(string instrument, string tag, string value) =>
        Measurements.Count(m => m.Instrument == instrument && m.Tags.TryGetValue(tag, out var v) && Equals(v, value));

    /// <summary>Completes once <paramref name="instrument"/> made <paramref name="count"/> measurements with the tag <paramref name="tag"/>=<paramref name="value"/>.</summary>
    public Task Counted(string instrument, string tag, string value, int count)
    {
        var seen = _watches.GetOrAdd((instrument, tag, value, count), _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (CountOf(instrument, tag, value) >= count)
        {
            seen.TrySetResult();
        }

        return seen.Task;
    }

    /// <inheritdoc/>
    public Meter Create(MeterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var meter = new Meter(options.Name, options.Version);
        _meters[meter] = 0;
        return meter;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _listener.Dispose();
        foreach (var meter in _meters.Keys)
        {
            meter.Dispose();
        }
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, tagValue) in tags)
        {
            copy[key] = tagValue;
        }

        Measurements.Enqueue(new Measured(instrument.Name, value, copy));
        foreach (var ((name, tag, tagValue, count), seen) in _watches)
        {
            if (name == instrument.Name && CountOf(name, tag, tagValue) >= count)
            {
                seen.TrySetResult();
            }
        }
    }

    /// <summary>One measurement.</summary>
    /// <param name="Instrument">The instrument's name.</param>
    /// <param name="Value">The value measured.</param>
    /// <param name="Tags">Its tags.</param>
    public sealed record Measured(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);
}
