using System.Diagnostics.Metrics;
using FnSharp.Agent.Runner;
using FnSharp.Server.Dashboard;
using FnSharp.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Server.Tests.Dashboard;

/// <summary>
/// The live statistics on instruments named as the runner's, on a meter of a test meter factory, with a
/// fake clock: each <see cref="FakeTimeProvider.Advance"/> of one second fires the sampler once.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class LiveStatsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset s_start = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(s_start);
    private readonly ServiceProvider _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly List<SlotStats> _slots = [];
    private readonly Meter _meter;
    private readonly Counter<long> _completed;
    private readonly Histogram<double> _execution;
    private readonly Histogram<double> _wait;
    private readonly LiveStats _stats;
    private long _reservedMiB;

    public LiveStatsTests()
    {
        var factory = _metrics.GetRequiredService<IMeterFactory>();
        _stats = new LiveStats(_time, factory, () => new NodeGauges([.. _slots], _reservedMiB, 4096), () => "node-a", NullLogger<LiveStats>.Instance);
        (_meter, _completed, _execution, _wait) = AgentInstruments(factory);
    }

    private static long Start => s_start.ToUnixTimeSeconds();

    public Task InitializeAsync() => _stats.StartAsync(CancellationToken.None);

    public async Task DisposeAsync()
    {
        await _stats.StopAsync(CancellationToken.None);
        _meter.Dispose();
        await _metrics.DisposeAsync();
    }

    [Fact]
    public void Read_BeforeTheFirstSecond_EmptySeriesAndNoNow()
    {
        var body = _stats.Read(null, 0, null);

        Assert.Equal(("node-a", null, 300, 0), (body.Node, body.Now, body.WindowSecs, body.Series.T.Count));
    }

    [Fact]
    public void Sample_CallsOfTwoFns_CountedPerFnAndForTheNode()
    {
        Complete("fn-a", "success", 3);
        Complete("fn-a", "function_failed", 1);
        Complete("fn-b", "too_busy", 2);

        _time.Advance(TimeSpan.FromSeconds(1));
        var node = _stats.Read(null, 0, null);
        var a = _stats.Read("fn-a", 128, null);
        var b = _stats.Read("fn-b", 128, null);

        Assert.Equal([Start + 1], node.Series.T);
        Assert.Equal([6L], node.Series.Calls);
        Assert.Equal([3L], node.Series.Errors);
        Assert.Equal([4L], a.Series.Calls);
        Assert.Equal([1L], a.Series.Errors);
        Assert.Equal([2L], b.Series.Calls);
        Assert.Equal([2L], b.Series.Errors);
        Assert.Equal((6, 6.0, 3), (node.Summary.Calls, node.Summary.CallsPerSec, node.Summary.Errors));
        Assert.Equal(["fn-a", "fn-b"], node.Fns!.Select(f => f.FnId));
        Assert.Null(a.Fns);
    }

    [Fact]
    public void Sample_Durations_QuantilesPerSecondAndOverTheMinute()
    {
        for (var ms = 1; ms <= 100; ms++)
        {
            _execution.Record(ms / 1000.0, Fn("fn-a"), Status("success"));
        }

        _wait.Record(0.2, Fn("fn-a"));
        _time.Advance(TimeSpan.FromSeconds(1));
        _execution.Record(1.0, Fn("fn-a"), Status("success"));
        _time.Advance(TimeSpan.FromSeconds(1));
        var a = _stats.Read("fn-a", 128, null);

        Assert.InRange(a.Series.P50Ms[0]!.Value, 47.5, 52.5);
        Assert.InRange(a.Series.P99Ms[0]!.Value, 94, 104);
        Assert.InRange(a.Series.WaitP99Ms[0]!.Value, 190, 210);
        Assert.InRange(a.Series.P50Ms[1]!.Value, 950, 1050);
        Assert.Null(a.Series.WaitP99Ms[1]);

        // The minute's p99 is over all 101 durations: the 100th is 100 ms.
        Assert.InRange(a.Summary.P99Ms!.Value, 95, 105);
        Assert.InRange(a.Summary.P50Ms!.Value, 48.5, 53.5);
    }

    [Fact]
    public void Sample_Gauges_ContainersPerFnAddUpOverItsQueuesAndMemoryForTheNode()
    {
        _slots.Add(new SlotStats("fn-a", Idle: 2, Busy: 1, Starting: 1, Waiting: 3, null, null) { Paused = 1 });
        _slots.Add(new SlotStats("fn-a", Idle: 1, Busy: 0, Starting: 0, Waiting: 0, null, null));
        _slots.Add(new SlotStats("fn-b", Idle: 0, Busy: 2, Starting: 0, Waiting: 0, null, null));
        _reservedMiB = 768;

        _time.Advance(TimeSpan.FromSeconds(1));
        var node = _stats.Read(null, 0, null);
        var a = _stats.Read("fn-a", 128, null);

        Assert.Equal((3, 1, 1, 1, 3), (a.Summary.Idle, a.Summary.Busy, a.Summary.Starting, a.Summary.Paused, a.Summary.Waiting));
        Assert.Equal((5 * 128L, 4096L), (a.Summary.MemoryReservedMiB, a.Summary.MemoryTotalMiB));
        Assert.Equal([5 * 128L], a.Series.MemoryReservedMiB);
        Assert.Equal((3, 3, 1, 3), (node.Summary.Idle, node.Summary.Busy, node.Summary.Starting, node.Summary.Waiting));
        Assert.Equal([768L], node.Series.MemoryReservedMiB);

        // A fn with containers but no call yet is listed too.
        Assert.Equal(["fn-a", "fn-b"], node.Fns!.Select(f => f.FnId));
    }

    [Fact]
    public void Read_Since_OnlyTheSecondsAfterIt()
    {
        for (var i = 0; i < 5; i++)
        {
            Complete("fn-a", "success", i);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var body = _stats.Read("fn-a", 128, Start + 3);

        Assert.Equal([Start + 4, Start + 5], body.Series.T);
        Assert.Equal([3L, 4L], body.Series.Calls);
        Assert.Equal(Start + 5, body.Now);
        Assert.Equal((10, 5), (body.Summary.Calls, body.Summary.WindowSecs));
    }

    [Fact]
    public void Read_FnNeverSeen_ZerosAlignedWithTheNode()
    {
        Complete("fn-a", "success", 1);
        _time.Advance(TimeSpan.FromSeconds(1));
        _time.Advance(TimeSpan.FromSeconds(1));

        var body = _stats.Read("fn-quiet", 256, null);

        Assert.Equal([Start + 1, Start + 2], body.Series.T);
        Assert.Equal([0L, 0L], body.Series.Calls);
        Assert.Equal([null, null], body.Series.P50Ms);
        Assert.Equal((0, 0L, 0.0), (body.Summary.Calls, body.Summary.MemoryReservedMiB, body.Summary.CallsPerSec));
    }

    [Fact]
    public void Read_AfterMoreThanTheWindow_KeepsTheLastWindowOnlyAndSummarizesTheLastMinute()
    {
        for (var i = 0; i < 400; i++)
        {
            Complete("fn-a", "success", 1);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var body = _stats.Read(null, 0, null);

        Assert.Equal(LiveStats.WindowSeconds, body.Series.T.Count);
        Assert.Equal(Start + 101, body.Series.T[0]);
        Assert.Equal(Start + 400, body.Series.T[^1]);
        Assert.Equal((60, 60, 1.0), (body.Summary.WindowSecs, body.Summary.Calls, body.Summary.CallsPerSec));
    }

    [Fact]
    public void Sample_TwiceInOneSecond_AddsUpUnderThatSecond()
    {
        _time.Advance(TimeSpan.FromSeconds(1));
        Complete("fn-a", "success", 2);
        _stats.Sample();
        Complete("fn-a", "timed_out", 1);
        _stats.Sample();

        var body = _stats.Read("fn-a", 128, null);

        Assert.Equal([Start + 1], body.Series.T);
        Assert.Equal([3L], body.Series.Calls);
        Assert.Equal([1L], body.Series.Errors);
    }

    [Fact]
    public void Sample_FnIdleForTheWindow_Forgotten()
    {
        Complete("fn-a", "success", 1);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, _stats.FollowedFns);

        _time.Advance(TimeSpan.FromSeconds(LiveStats.WindowSeconds - 1));
        Assert.Equal(1, _stats.FollowedFns);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(0, _stats.FollowedFns);
        Assert.Empty(_stats.Read(null, 0, null).Fns!);
    }

    [Fact]
    public void Listener_MoreFnsThanFollowed_TheRestCountForTheNodeOnly()
    {
        for (var i = 0; i <= LiveStats.MaxTrackedFns; i++)
        {
            Complete($"fn-{i:D4}", "success", 1);
        }

        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(LiveStats.MaxTrackedFns, _stats.FollowedFns);
        Assert.Equal(LiveStats.MaxTrackedFns + 1, _stats.Read(null, 0, null).Summary.Calls);
        Assert.Equal(0, _stats.Read($"fn-{LiveStats.MaxTrackedFns:D4}", 128, null).Summary.Calls);
        Assert.Equal(LiveStats.MaxListedFns, _stats.Read(null, 0, null).Fns!.Count);
    }

    [Fact]
    public void Listener_MeterOfAnotherHost_Ignored()
    {
        using var other = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var (meter, completed, execution, _) = AgentInstruments(other.GetRequiredService<IMeterFactory>());
        using (meter)
        {
            completed.Add(1, Fn("fn-a"), Status("success"));
            execution.Record(0.01, Fn("fn-a"), Status("success"));
        }

        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(0, _stats.Read(null, 0, null).Summary.Calls);
        Assert.Null(_stats.Read(null, 0, null).Summary.P50Ms);
    }

    private static (Meter Meter, Counter<long> Completed, Histogram<double> Execution, Histogram<double> Wait) AgentInstruments(IMeterFactory factory)
    {
        var meter = factory.Create(RunnerAgent.MeterName);
        return (
            meter,
            meter.CreateCounter<long>("fnsharp_calls_completed_total"),
            meter.CreateHistogram<double>("fnsharp_call_execution_seconds"),
            meter.CreateHistogram<double>("fnsharp_call_queue_wait_seconds"));
    }

    private static KeyValuePair<string, object?> Fn(string fnId) => new("fn_id", fnId);

    private static KeyValuePair<string, object?> Status(string status) => new("status", status);

    private void Complete(string fnId, string status, int count)
    {
        for (var i = 0; i < count; i++)
        {
            _completed.Add(1, Fn(fnId), Status(status));
        }
    }
}
