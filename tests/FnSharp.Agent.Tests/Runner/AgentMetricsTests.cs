using FnSharp.Testing;
using FnSharp.Testing.Metrics;

namespace FnSharp.Agent.Tests.Runner;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class AgentMetricsTests : IAsyncLifetime
{
    private readonly MeasuringMeterFactory _meters = new();
    private readonly AgentHarness _h;
    private readonly Dictionary<string, double> _sums = [];
    private readonly Dictionary<string, int> _counts = [];
    private readonly Lock _lock = new();

    public AgentMetricsTests()
    {
        _h = new AgentHarness(memoryMiB: 256, meterFactory: _meters);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _h.DisposeAsync();
        _meters.Dispose();
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
        foreach (var measured in _meters.Measurements)
        {
            Record(measured);
        }

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

    private void Record(MeasuringMeterFactory.Measured measured)
    {
        var fnId = measured.Tags.TryGetValue("fn_id", out var tag) ? tag as string ?? "" : "";
        var key = Key(measured.Instrument, fnId);
        lock (_lock)
        {
            _sums[key] = _sums.GetValueOrDefault(key) + measured.Value;
            _counts[key] = _counts.GetValueOrDefault(key) + 1;
        }
    }
}
