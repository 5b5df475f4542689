using System.Diagnostics.Metrics;
using FnSharp.Testing;

namespace FnSharp.Agent.Tests.Runner;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class AgentMetricsTests : IAsyncLifetime
{
    private readonly AgentHarness _h = new(memoryMiB: 256);
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, double> _sums = [];
    private readonly Dictionary<string, int> _counts = [];
    private readonly Lock _lock = new();

    public Task InitializeAsync()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter == _h.Agent.Metrics.Meter)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _listener.Dispose();
        await _h.DisposeAsync();
    }

    [Fact]
    public async Task Instruments_ColdCallHotCallEvictionAndIdleOut_RecordedPerFn()
    {
        var fn = _h.NewFn(memoryMiB: 128);
        var other = _h.NewFn(memoryMiB: 256, idleTimeoutSeconds: 10);

        await _h.CallAsync(fn);
        await _h.CallAsync(fn);
        await _h.CallAsync(other);
        _h.Clock.Advance(TimeSpan.FromSeconds(10));
        await _h.Driver.WaitUntilAsync(d => d.LiveCount == 0);

        lock (_lock)
        {
            Assert.Equal(1, _sums[Key("fnsharp_container_starts_total", fn.Id)]);
            Assert.Equal(1, _sums[Key("fnsharp_calls_queued_total", fn.Id)]);
            Assert.Equal(2, _sums[Key("fnsharp_calls_completed_total", fn.Id)]);
            Assert.Equal(2, _counts[Key("fnsharp_call_queue_wait_seconds", fn.Id)]);
            Assert.Equal(2, _counts[Key("fnsharp_call_execution_seconds", fn.Id)]);
            Assert.Equal(1, _counts[Key("fnsharp_container_start_seconds", fn.Id)]);
            Assert.Equal(0, _sums[Key("fnsharp_calls_running", fn.Id)]);
            Assert.Equal(0, _sums[Key("fnsharp_calls_waiting", fn.Id)]);
            Assert.Equal(1, _sums[Key("fnsharp_container_evictions_total", fn.Id)]);
            Assert.Equal(1, _sums[Key("fnsharp_container_starts_total", other.Id)]);
            Assert.Equal(1, _sums[Key("fnsharp_container_idle_outs_total", other.Id)]);
            Assert.False(_sums.ContainsKey(Key("fnsharp_container_idle_outs_total", fn.Id)));
        }
    }

    private static string Key(string instrument, string fnId) => instrument + "|" + fnId;

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var fnId = "";
        foreach (var tag in tags)
        {
            if (tag.Key == "fn_id")
            {
                fnId = tag.Value as string ?? "";
            }
        }

        var key = Key(instrument.Name, fnId);
        lock (_lock)
        {
            _sums[key] = _sums.GetValueOrDefault(key) + value;
            _counts[key] = _counts.GetValueOrDefault(key) + 1;
        }
    }
}
