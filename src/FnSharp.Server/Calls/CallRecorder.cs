using System.Threading.Channels;
using FnSharp.Agent.Calls;

namespace FnSharp.Server.Calls;

/// <summary>
/// Writes the records (and logs) of ended synchronous calls behind the call path. <see cref="Record"/>
/// only queues: it never waits, and when the queue is full it drops the record, counts it
/// (<c>fnsharp_call_records_dropped_total</c>, reason <c>queue_full</c>) and says so in the log at most
/// once per <see cref="DropLogInterval"/>. The background loop takes each record's log once
/// <c>FN_CALL_LOG_WAIT_MSECS</c> have passed since the call ended (the engine delivers output a little
/// late), then writes in batches of up to <see cref="DefaultBatchSize"/> records with
/// <see cref="ICallStore.InsertCallRecordsAsync"/>, <see cref="FlushInterval"/> after a batch's first
/// record (the records whose wait ended meanwhile join it then, so the loop wakes about twice per batch,
/// whatever the rate of calls): a record is stored about half a second after its call, never while it runs.
/// A failed write is retried <see cref="WriteAttempts"/> times in all, then dropped (reason
/// <c>store_failed</c>); nothing here stops the host. On shutdown whatever is queued is written at once
/// (in <see cref="StopAsync"/>, since .NET 10 may not have run the loop at all by then).
/// </summary>
internal sealed partial class CallRecorder : BackgroundService
{
    /// <summary>How many ended calls may wait to be written; beyond this they are dropped.</summary>
    public const int DefaultCapacity = 10_000;

    /// <summary>The most records written in one transaction.</summary>
    public const int DefaultBatchSize = 256;

    /// <summary>How many times a batch is offered to the store before it is dropped.</summary>
    public const int WriteAttempts = 3;

    /// <summary>How long a batch waits for more records after its first one, at most.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>The wait before the first retry of a failed write; each further retry waits once more as long.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>The shortest time between two log lines about a full queue.</summary>
    public static readonly TimeSpan DropLogInterval = TimeSpan.FromSeconds(30);

    private const long NeverLogged = long.MinValue;

    // Producers: CallServer, once per ended synchronous call, with TryWrite only (Wait mode makes
    // TryWrite fail on a full queue, which is the drop), and FlushAsync's markers (WriteAsync, which may
    // wait). Consumer: ExecuteAsync alone. Bounded because every call of every user feeds it.
    private readonly Channel<Pending> _queue;
    private readonly ICallStore _store;
    private readonly TimeProvider _time;
    private readonly CallRecordMetrics _metrics;
    private readonly ILogger<CallRecorder> _logger;
    private readonly int _capacity;
    private readonly int _batchSize;
    private readonly IOptions<ServerOptions> _options;

    // The batch being gathered; touched by the consumer only.
    private readonly List<Call> _calls = [];
    private readonly List<CallLog> _logs = [];
    private readonly List<TaskCompletionSource> _flushes = [];

    // Owns the batch (_calls, _logs, _flushes): held by the loop for each step and by StopAsync for the last
    // write, so that the two never touch the batch at once, however the host interleaves them.
    // Never disposed: it has no wait handle to free, and a host may call StopAsync again after disposing services.
    private readonly SemaphoreSlim _batchGate = new(1, 1);

    // 1 once StopAsync has begun its last write: a host that stops twice (a test factory disposing a derived
    // factory, then itself) writes the last batch once.
    private int _lastWriteStarted;
    private DateTimeOffset _due;

    private long _droppedSinceLog;
    private long _lastDropLog = NeverLogged;
    private volatile bool _stopped;

    /// <summary>Creates the recorder the server registers.</summary>
    public CallRecorder(ICallStore store, IOptions<ServerOptions> options, TimeProvider time, CallRecordMetrics metrics, ILogger<CallRecorder> logger)
        : this(store, options, time, metrics, logger, DefaultCapacity, DefaultBatchSize)
    {
    }

    /// <summary>Creates a recorder with its own queue capacity and batch size (tests).</summary>
    /// <remarks>
    /// <paramref name="options"/> is read only once records come: the host builds hosted services before it
    /// reports bad settings, and reading them here would turn that report into a failure to build.
    /// </remarks>
    internal CallRecorder(ICallStore store, IOptions<ServerOptions> options, TimeProvider time, CallRecordMetrics metrics, ILogger<CallRecorder> logger, int capacity, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _store = store;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _capacity = capacity;
        _batchSize = batchSize;
        _options = options;
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
    }

    /// <summary>
    /// Queues the record of a synchronous call that ended: <paramref name="call"/> carries its end
    /// (status, status code, error, <see cref="Call.CompletedAt"/>); the start time, container, image digest and
    /// attempts (1 when it reached a container, else 0), start kind, start phases and timeline come from
    /// <paramref name="execution"/>, whose output becomes the call's log; a call that reached no container has
    /// <paramref name="failureLog"/> as its log (see <see cref="CallResult.FailureLog"/>). Never waits; drops the record when the queue is full.
    /// </summary>
    /// <returns>Whether the record was queued.</returns>
    public bool Record(Call call, CallExecution? execution, string? failureLog = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        var record = CallRecords.WithStart(call, execution, call.CompletedAt ?? execution?.StartedAt ?? call.CreatedAt) with
        {
            Attempts = execution is null ? 0 : 1,
            StartedAt = execution?.StartedAt ?? call.StartedAt,
            ContainerId = execution?.ContainerId ?? call.ContainerId,
            ImageDigest = execution?.ImageDigest ?? call.ImageDigest,
        };
        if (_queue.Writer.TryWrite(new Pending(record, execution, failureLog, null)))
        {
            return true;
        }

        if (_stopped)
        {
            // A call that outlived the shutdown of the recorder: counted, but no warning about the store.
            _metrics.Dropped.Add(1, CallRecordMetrics.Reason(CallRecordMetrics.Stopped));
            return false;
        }

        Dropped();
        return false;
    }

    /// <summary>
    /// Completes once every record queued before this call has been written (or dropped after failed
    /// writes), each no earlier than <c>FN_CALL_LOG_WAIT_MSECS</c> after its call ended. For tests and
    /// tools that must see the records; the server itself never waits for them.
    /// </summary>
    /// <exception cref="ChannelClosedException">The recorder has stopped.</exception>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.Writer.WriteAsync(new Pending(null, null, null, done), cancellationToken);
        await done.Task.WaitAsync(cancellationToken);
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                await _batchGate.WaitAsync(stoppingToken);
                try
                {
                    await StepAsync(stoppingToken);
                }
                finally
                {
                    _batchGate.Release();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync writes what is left.
        }
    }

    /// <summary>
    /// Stops the loop, then writes the records gathered and queued, once and without waiting for late
    /// output, since the host is going away. Calls that end from now on are dropped (and counted).
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (ExecuteTask is { IsCompleted: false })
        {
            // The host's shutdown timeout ran out while the loop was still writing; it owns the batch.
            return;
        }

        if (Interlocked.Exchange(ref _lastWriteStarted, 1) == 1)
        {
            return;
        }

        // The loop is over (or never ran: a host stopped right after it started), so the batch is ours.
        try
        {
            await _batchGate.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            await WriteLastAsync();
        }
        finally
        {
            _batchGate.Release();
        }
    }

    private async Task WriteLastAsync()
    {
        _stopped = true;
        _queue.Writer.TryComplete();
        while (_queue.Reader.TryRead(out var item))
        {
            if (item.Flushed is { } flushed)
            {
                _flushes.Add(flushed);
            }
            else
            {
                Add(item);
            }
        }

        await WriteAsync(attempts: 1, CancellationToken.None);
    }

    /// <summary>
    /// One step of the loop: adds the next record once its output wait is over, writes the batch when it
    /// is full or due (or a flush asks), or waits for one of these. Records ready to go are added before
    /// a due batch is written, so a backlog is written in full batches.
    /// </summary>
    private async Task StepAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        DateTimeOffset? ready = null;
        if (_queue.Reader.TryPeek(out var next))
        {
            if (next.Flushed is { } flushed)
            {
                _queue.Reader.TryRead(out _);
                _flushes.Add(flushed);
                await WriteAsync(WriteAttempts, cancellationToken);
                return;
            }

            ready = ReadyAt(next);
            if (ready <= now)
            {
                _queue.Reader.TryRead(out _);
                if (_calls.Count == 0)
                {
                    // From the record's own time, not from when the loop got to it: a batch is due on time
                    // even when the loop was busy, and a test that advances a fake clock needs no barrier.
                    _due = ready.Value + FlushInterval;
                }

                Add(next);
                if (_calls.Count >= _batchSize)
                {
                    await WriteAsync(WriteAttempts, cancellationToken);
                }

                return;
            }
        }

        if (_calls.Count > 0 && now >= _due)
        {
            await WriteAsync(WriteAttempts, cancellationToken);
            return;
        }

        if (ready is { } later)
        {
            // The next call's output may still be on its way. A batch being gathered sleeps until it is due
            // and then takes every record that became ready meanwhile: one wake-up per batch, not one per
            // call, whose timers cost the server CPU that the calls themselves need (docs/benchmarks.md).
            await WaitAsync(_calls.Count > 0 ? _due : later, forRecord: false, cancellationToken);
        }
        else
        {
            await WaitAsync(_calls.Count > 0 ? _due : null, forRecord: true, cancellationToken);
        }
    }

    /// <summary>When <paramref name="item"/>'s log may be taken: the output wait after its end, or at once for a call that reached no container.</summary>
    private DateTimeOffset ReadyAt(Pending item)
    {
        var completed = item.Call!.CompletedAt ?? DateTimeOffset.MinValue;
        return item.Execution is null ? completed : completed + TimeSpan.FromMilliseconds(_options.Value.CallLogWaitMs);
    }

    /// <summary>
    /// Waits until <paramref name="until"/> (forever when <see langword="null"/>), or, with
    /// <paramref name="forRecord"/>, until something is queued.
    /// </summary>
    private async Task WaitAsync(DateTimeOffset? until, bool forRecord, CancellationToken cancellationToken)
    {
        if (until is not { } end)
        {
            await _queue.Reader.WaitToReadAsync(cancellationToken);
            return;
        }

        var now = _time.GetUtcNow();
        if (now >= end)
        {
            return;
        }

        // Rounded up to a whole millisecond, the timers' resolution: a shorter wait would fire at once and
        // spin through the loop until the clock reaches the end.
        using var timer = new CancellationTokenSource(TimeSpan.FromMilliseconds(Math.Ceiling((end - now).TotalMilliseconds)), _time);

        // The clock may have moved on between reading it and starting the timer (a test advancing a
        // fake clock): a timer started after the end would wait too long.
        if (_time.GetUtcNow() >= end)
        {
            return;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            if (forRecord)
            {
                await _queue.Reader.WaitToReadAsync(linked.Token);
            }
            else
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, linked.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The time has come.
        }
    }

    private void Add(Pending item)
    {
        var call = item.Call!;
        _calls.Add(call);
        try
        {
            if (CallRecords.TakeLog(call, item.Execution, item.FailureLog, _options.Value.MaxLogSizeBytes) is { } log)
            {
                _logs.Add(log);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A driver's fault costs the call its log, not its record nor the recorder.
            LogOutputLost(_logger, e, call.Id, call.FnId);
        }
    }

    /// <summary>Writes the batch, trying up to <paramref name="attempts"/> times; then completes the waiting flushes.</summary>
    private async Task WriteAsync(int attempts, CancellationToken cancellationToken)
    {
        for (var attempt = 1; _calls.Count > 0; attempt++)
        {
            // Read before the attempt, so that the retry is due from it however long the failure took.
            var attemptedAt = _time.GetUtcNow();
            try
            {
                // Not cancelled by shutdown: a write in progress finishes, so its records are not lost.
                await _store.InsertCallRecordsAsync(_calls, _logs, CancellationToken.None);
                _metrics.Written.Add(_calls.Count);
                break;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                if (attempt >= attempts)
                {
                    LogWriteDropped(_logger, e, _calls.Count, attempt);
                    _metrics.Dropped.Add(_calls.Count, CallRecordMetrics.Reason(CallRecordMetrics.StoreFailed));
                    break;
                }

                var delay = RetryDelay * attempt;
                LogWriteRetried(_logger, e, _calls.Count, attempt, delay.TotalSeconds);
                await WaitAsync(attemptedAt + delay, forRecord: false, cancellationToken);
            }
        }

        _calls.Clear();
        _logs.Clear();
        var flushes = _flushes.ToArray();
        _flushes.Clear();
        foreach (var flushed in flushes)
        {
            flushed.TrySetResult();
        }
    }

    private void Dropped()
    {
        _metrics.Dropped.Add(1, CallRecordMetrics.Reason(CallRecordMetrics.QueueFull));
        Interlocked.Increment(ref _droppedSinceLog);
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastDropLog);
        if (last != NeverLogged && _time.GetElapsedTime(last, now) < DropLogInterval)
        {
            return;
        }

        // One caller wins the right to report; the others' drops are in the next report's count.
        if (Interlocked.CompareExchange(ref _lastDropLog, now, last) == last)
        {
            LogQueueFull(_logger, Interlocked.Exchange(ref _droppedSinceLog, 0), _capacity);
        }
    }

    /// <summary>A queued record, or (with <see cref="Flushed"/>) a flush marker.</summary>
    private readonly record struct Pending(Call? Call, CallExecution? Execution, string? FailureLog, TaskCompletionSource? Flushed);
}
