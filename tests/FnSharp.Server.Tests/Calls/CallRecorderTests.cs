using FnSharp.Agent.Calls;
using FnSharp.Agent.Drivers;
using FnSharp.Core.Models;
using FnSharp.Core.Storage;
using FnSharp.Server.Calls;
using FnSharp.Server.Configuration;
using FnSharp.Testing;
using FnSharp.Testing.Fakes;
using FnSharp.Testing.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Server.Tests.Calls;

/// <summary>The write-behind recorder of synchronous calls with a fake store and a fake clock.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class CallRecorderTests : IAsyncLifetime
{
    private const string FnId = "01JFN00000000000000000000F";
    private const string AppId = "01JAPP0000000000000000000A";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero));
    private readonly RecordingCallStore _store = new();
    private readonly MeasurementRecorder _measurements = new();
    private readonly CallRecordMetrics _metrics;
    private readonly CapturingLogger _log = new();
    private readonly FakeContainerDriver _driver = new();
    private CallRecorder? _recorder;

    public CallRecorderTests()
    {
        _metrics = new CallRecordMetrics(_measurements.MeterFactory);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_recorder is not null)
        {
            await _recorder.StopAsync(CancellationToken.None);
            _recorder.Dispose();
        }

        _measurements.Dispose();
        await _driver.DisposeAsync();
    }

    [Fact]
    public async Task Record_ThenFlush_WritesRecordsWithExecutionAndLog()
    {
        var recorder = await StartAsync(logWaitMs: 0);
        var container = await CreateContainerAsync();
        var started = _time.GetUtcNow();
        container.AddCallLog("call-1", new ContainerLogLine(ContainerOutput.Stdout, "hello"));
        container.AddCallLog("call-1", new ContainerLogLine(ContainerOutput.Stderr, "oops"));
        container.AddCallLog("call-other", new ContainerLogLine(ContainerOutput.Stdout, "not mine"));

        Assert.True(recorder.Record(Ended("call-1", CallStates.Success, 200), new CallExecution(container, "call-1", started)));
        Assert.True(recorder.Record(Ended("call-2", CallStates.Error, 503, "Timed out - server too busy"), null));
        await recorder.FlushAsync();

        var (calls, logs) = Assert.Single(_store.Batches);
        Assert.Equal(
            [
                Ended("call-1", CallStates.Success, 200) with { Type = CallTypes.Sync, Attempts = 1, StartedAt = started, ContainerId = container.Id },
                Ended("call-2", CallStates.Error, 503, "Timed out - server too busy") with { Type = CallTypes.Sync, Attempts = 0 },
            ],
            calls);
        Assert.Equal([new CallLog("call-1", FnId, "hello\noops\n")], logs);
        Assert.Equal(2, _measurements.Sum("fnsharp_call_records_written_total"));
    }

    [Fact]
    public async Task Record_OutputArrivesAfterTheCall_LogTakenOnlyAfterTheOutputWait()
    {
        var recorder = await StartAsync(logWaitMs: 250);
        var container = await CreateContainerAsync();
        container.AddCallLog("call-1", new ContainerLogLine(ContainerOutput.Stdout, "during the call"));

        recorder.Record(Ended("call-1", CallStates.Success, 200), new CallExecution(container, "call-1", _time.GetUtcNow()));
        var flushed = recorder.FlushAsync();
        container.AddCallLog("call-1", new ContainerLogLine(ContainerOutput.Stdout, "delivered late"));
        Assert.False(flushed.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(250));
        await flushed;

        var (_, logs) = Assert.Single(_store.Batches);
        Assert.Equal([new CallLog("call-1", FnId, "during the call\ndelivered late\n")], logs);
    }

    [Fact]
    public async Task Record_BatchSizeReached_WrittenWithoutFlushOrClock()
    {
        var recorder = await StartAsync(batchSize: 2);

        recorder.Record(Ended("call-1", CallStates.Success, 200), null);
        recorder.Record(Ended("call-2", CallStates.Success, 200), null);
        await _store.InsertAttempts.Reader.ReadAsync();

        Assert.Equal(["call-1", "call-2"], Assert.Single(_store.Batches).Calls.Select(c => c.Id));
    }

    [Fact]
    public async Task Record_BatchNotFull_WrittenOneFlushIntervalAfterTheCall()
    {
        var recorder = await StartAsync();

        recorder.Record(Ended("call-1", CallStates.Success, 200), null);
        _time.Advance(CallRecorder.FlushInterval);
        await _store.InsertAttempts.Reader.ReadAsync();

        Assert.Equal(["call-1"], Assert.Single(_store.Batches).Calls.Select(c => c.Id));
    }

    [Fact]
    public async Task Record_CallsEndWhileABatchGathers_LoopSleepsUntilTheBatchIsDueNotUntilEachCall()
    {
        var clock = new TimerWatchingTimeProvider(_time);
        var recorder = await StartAsync(logWaitMs: 250, time: clock);
        var container = await CreateContainerAsync();
        var start = _time.GetUtcNow();

        recorder.Record(Ended("call-1", CallStates.Success, 200), new CallExecution(container, "call-1", start));
        Assert.Equal(start.AddMilliseconds(250), await clock.TimersDue.Reader.ReadAsync());
        _time.Advance(TimeSpan.FromMilliseconds(10));
        recorder.Record(Ended("call-2", CallStates.Success, 200), new CallExecution(container, "call-2", start));
        _time.Advance(TimeSpan.FromMilliseconds(10));
        recorder.Record(Ended("call-3", CallStates.Success, 200), new CallExecution(container, "call-3", start));
        _time.Advance(TimeSpan.FromMilliseconds(230));

        // call-1 is taken and its batch is due 250 ms later; call-2 and call-3 join it then.
        Assert.Equal(start.AddMilliseconds(500), await clock.TimersDue.Reader.ReadAsync());
        _time.Advance(TimeSpan.FromMilliseconds(250));
        await _store.InsertAttempts.Reader.ReadAsync();

        Assert.Equal(["call-1", "call-2", "call-3"], Assert.Single(_store.Batches).Calls.Select(c => c.Id));
    }

    [Fact]
    public async Task Record_QueueFull_DropsCountedAndLoggedOncePerInterval()
    {
        var recorder = Create(capacity: 2);

        var queued = Enumerable.Range(1, 4).Select(i => recorder.Record(Ended($"call-{i}", CallStates.Success, 200), null)).ToList();
        _time.Advance(CallRecorder.DropLogInterval);
        var afterInterval = recorder.Record(Ended("call-5", CallStates.Success, 200), null);
        await recorder.StartAsync(CancellationToken.None);
        await recorder.FlushAsync();

        Assert.Equal([true, true, false, false, false], [.. queued, afterInterval]);
        Assert.Equal(3, _measurements.Sum("fnsharp_call_records_dropped_total{reason=queue_full}"));
        Assert.Equal(
            [
                "The queue of call records is full (2 records): 1 record(s) dropped since the last report; the store does not keep up with the calls",
                "The queue of call records is full (2 records): 2 record(s) dropped since the last report; the store does not keep up with the calls",
            ],
            _log.Entries.Where(e => e.EventId == 1301).Select(e => e.Message));
        Assert.Equal(["call-1", "call-2"], Assert.Single(_store.Batches).Calls.Select(c => c.Id));
    }

    [Fact]
    public async Task Stop_RecordsQueued_WrittenAtOnceWithTheirLogs()
    {
        var recorder = await StartAsync(logWaitMs: 250);
        var container = await CreateContainerAsync();
        container.AddCallLog("call-1", new ContainerLogLine(ContainerOutput.Stdout, "last words"));

        recorder.Record(Ended("call-1", CallStates.Success, 200), new CallExecution(container, "call-1", _time.GetUtcNow()));
        await recorder.StopAsync(CancellationToken.None);

        var (calls, logs) = Assert.Single(_store.Batches);
        Assert.Equal(["call-1"], calls.Select(c => c.Id));
        Assert.Equal([new CallLog("call-1", FnId, "last words\n")], logs);
        Assert.False(recorder.Record(Ended("call-2", CallStates.Success, 200), null));
        Assert.Equal(1, _measurements.Sum("fnsharp_call_records_dropped_total{reason=stopped}"));
        Assert.DoesNotContain(_log.Entries, e => e.EventId == 1301);
    }

    [Fact]
    public async Task Stop_CalledTwiceAtOnce_LastBatchWrittenOnce()
    {
        // A test factory disposing a derived factory and then itself stops one host twice.
        var recorder = await StartAsync();
        recorder.Record(Ended("call-1", CallStates.Success, 200), null);

        await Task.WhenAll(recorder.StopAsync(CancellationToken.None), recorder.StopAsync(CancellationToken.None));

        var (calls, _) = Assert.Single(_store.Batches);
        Assert.Equal(["call-1"], calls.Select(c => c.Id));
    }

    [Fact]
    public async Task Write_StoreFailsOnce_RetriedAfterTheDelay()
    {
        _store.InsertFailure = attempt => attempt == 1 ? new InvalidOperationException("database is locked") : null;
        var recorder = await StartAsync();

        recorder.Record(Ended("call-1", CallStates.Success, 200), null);
        var flushed = recorder.FlushAsync();
        Assert.Equal(1, await _store.InsertAttempts.Reader.ReadAsync());
        _time.Advance(CallRecorder.RetryDelay);
        await flushed;

        Assert.Equal(["call-1"], Assert.Single(_store.Batches).Calls.Select(c => c.Id));
        var retried = Assert.Single(_log.Entries, e => e.EventId == 1302);
        Assert.Equal((LogLevel.Warning, "Writing 1 call record(s) failed (attempt 1); retrying in 1 s"), (retried.Level, retried.Message));
        Assert.Equal(1, _measurements.Sum("fnsharp_call_records_written_total"));
    }

    [Fact]
    public async Task Write_StoreFailsEveryAttempt_BatchDroppedCountedAndLaterRecordsWritten()
    {
        _store.InsertFailure = attempt => attempt <= CallRecorder.WriteAttempts ? new InvalidOperationException("disk full") : null;
        var recorder = await StartAsync();

        recorder.Record(Ended("call-1", CallStates.Success, 200), null);
        recorder.Record(Ended("call-2", CallStates.Success, 200), null);
        var flushed = recorder.FlushAsync();
        Assert.Equal(1, await _store.InsertAttempts.Reader.ReadAsync());
        _time.Advance(CallRecorder.RetryDelay);
        Assert.Equal(2, await _store.InsertAttempts.Reader.ReadAsync());
        _time.Advance(CallRecorder.RetryDelay * 2);
        Assert.Equal(3, await _store.InsertAttempts.Reader.ReadAsync());
        await flushed;
        recorder.Record(Ended("call-3", CallStates.Success, 200), null);
        await recorder.FlushAsync();

        Assert.Equal(["call-3"], Assert.Single(_store.Batches).Calls.Select(c => c.Id));
        Assert.Equal(2, _measurements.Sum("fnsharp_call_records_dropped_total{reason=store_failed}"));
        var dropped = Assert.Single(_log.Entries, e => e.EventId == 1303);
        Assert.Equal((LogLevel.Error, "Writing 2 call record(s) failed 3 time(s); they are dropped"), (dropped.Level, dropped.Message));
    }

    private async Task<CallRecorder> StartAsync(int logWaitMs = 0, int batchSize = CallRecorder.DefaultBatchSize, TimeProvider? time = null)
    {
        var recorder = Create(logWaitMs: logWaitMs, batchSize: batchSize, time: time);
        await recorder.StartAsync(CancellationToken.None);
        return recorder;
    }

    private CallRecorder Create(int logWaitMs = 0, int capacity = CallRecorder.DefaultCapacity, int batchSize = CallRecorder.DefaultBatchSize, TimeProvider? time = null)
    {
        var options = Options.Create(new ServerOptions { CallLogWaitMs = logWaitMs, MaxLogSizeBytes = 1024 });
        _recorder = new CallRecorder(_store, options, time ?? _time, _metrics, new TypedLogger<CallRecorder>(_log), capacity, batchSize);
        return _recorder;
    }

    private async Task<FakeContainer> CreateContainerAsync() =>
        (FakeContainer)await _driver.CreateAsync(
            new ContainerSpec { Image = "fnsharp/test:1", AppId = AppId, FnId = FnId, MemoryMiB = 128, Environment = new Dictionary<string, string>() },
            CancellationToken.None);

    private Call Ended(string id, string status, int statusCode, string? error = null) => new()
    {
        Id = id,
        AppId = AppId,
        FnId = FnId,
        Status = status,
        StatusCode = statusCode,
        Error = error,
        CreatedAt = _time.GetUtcNow(),
        CompletedAt = _time.GetUtcNow(),
    };
}
