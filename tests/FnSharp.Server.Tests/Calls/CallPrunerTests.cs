using FnSharp.Server.Calls;
using FnSharp.Server.Configuration;
using FnSharp.Testing;
using FnSharp.Testing.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Server.Tests.Calls;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class CallPrunerTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero));
    private readonly RecordingCallStore _store = new();
    private readonly MeasurementRecorder _measurements = new();
    private readonly CallRecordMetrics _metrics;
    private readonly CapturingLogger _log = new();

    public CallPrunerTests()
    {
        _metrics = new CallRecordMetrics(_measurements.MeterFactory);
    }

    public void Dispose()
    {
        _measurements.Dispose();
    }

    [Fact]
    public async Task Execute_EachInterval_PrunesCallsOlderThanTheMaxAge()
    {
        using var pruner = Create(maxAgeSecs: 3600);
        await pruner.StartAsync(CancellationToken.None);

        _time.Advance(CallPruner.Interval);
        var first = await _store.Prunes.Reader.ReadAsync();
        _time.Advance(CallPruner.Interval);
        var second = await _store.Prunes.Reader.ReadAsync();
        await pruner.StopAsync(CancellationToken.None);

        var start = new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero);
        Assert.Equal(start + CallPruner.Interval - TimeSpan.FromHours(1), first);
        Assert.Equal(start + (CallPruner.Interval * 2) - TimeSpan.FromHours(1), second);
    }

    [Fact]
    public async Task Execute_MaxAgeZero_NeverPrunes()
    {
        using var pruner = Create(maxAgeSecs: 0);
        await pruner.StartAsync(CancellationToken.None);

        _time.Advance(CallPruner.Interval * 3);

        await pruner.ExecuteTask!;
        Assert.False(_store.Prunes.Reader.TryRead(out _));
    }

    [Fact]
    public async Task Prune_SomeRemoved_CountedAndLogged()
    {
        _store.Prune = _ => 3;
        using var pruner = Create(maxAgeSecs: 60);

        var removed = await pruner.PruneAsync(CancellationToken.None);

        Assert.Equal(3, removed);
        Assert.Equal(3, _measurements.Sum("fnsharp_calls_pruned_total"));
        var line = Assert.Single(_log.Entries);
        Assert.Equal((LogLevel.Information, 1311, "Pruned 3 ended call(s) completed before 2026-11-30T09:59:00.0000000+00:00 (FN_CALL_MAX_AGE_SECS=60)"), (line.Level, line.EventId, line.Message));
    }

    [Fact]
    public async Task Prune_NoneRemoved_Silent()
    {
        using var pruner = Create(maxAgeSecs: 60);

        Assert.Equal(0, await pruner.PruneAsync(CancellationToken.None));
        Assert.Empty(_log.Entries);
    }

    [Fact]
    public async Task Prune_StoreFails_LoggedAndNotThrown()
    {
        _store.Prune = _ => throw new InvalidOperationException("database is locked");
        using var pruner = Create(maxAgeSecs: 60);

        Assert.Equal(0, await pruner.PruneAsync(CancellationToken.None));
        var line = Assert.Single(_log.Entries);
        Assert.Equal((LogLevel.Warning, 1312), (line.Level, line.EventId));
    }

    private CallPruner Create(int maxAgeSecs) =>
        new(_store, Options.Create(new ServerOptions { CallMaxAgeSecs = maxAgeSecs }), _time, _metrics, new TypedLogger<CallPruner>(_log));
}
