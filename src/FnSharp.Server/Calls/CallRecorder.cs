using System.Threading.Channels;
using FnSharp.Agent.Calls;
using FnSharp.Core.Models;
using FnSharp.Core.Storage;
using FnSharp.Server.Configuration;
using Microsoft.Extensions.Options;

namespace FnSharp.Server.Calls;

/// <summary>
/// Writes the records (and logs) of ended synchronous calls behind the call path. <see cref="Record"/>
/// only queues: it never waits, and when the queue is full it drops the record, counts it
/// (<c>fnsharp_call_records_dropped_total</c>, reason <c>queue_full</c>) and says so in the log at most
/// once per <see cref="DropLogInterval"/>. The background loop takes each record's log once
/// <c>FN_CALL_LOG_WAIT_MSECS</c> have passed since the call ended (the engine delivers output a little
/// late), then writes in batches of up to <see cref="DefaultBatchSize"/> records with
/// <see cref="ICallStore.InsertCallRecordsAsync"/>, at the latest <see cref="FlushInterval"/> after a
/// batch's first record: a record is stored about half a second after its call, never while it runs.
/// A failed write is retried <see cref="WriteAttempts"/> times in all, then dropped (reason
/// <c>store_failed</c>); nothing here stops the host. On shutdown whatever is queued is written at once.
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
    private readonly long _maxLogBytes;
    private readonly TimeSpan _logWait;

    // The batch being gathered; touched by the consumer only.
    private readonly List<Call> _calls = [];
    private readonly List<CallLog> _logs = [];
    private readonly List<TaskCompletionSource> _flushes = [];
    private DateTimeOffset _due;

    private long _droppedSinceLog;
    private long _lastDropLog = NeverLogged;

    /// <summary>Creates the recorder the server registers.</summary>
    public CallRecorder(ICallStore store, IOptions<ServerOptions> options, TimeProvider time, CallRecordMetrics metrics, ILogger<CallRecorder> logger)
        : this(store, options.Value, time, metrics, logger, DefaultCapacity, DefaultBatchSize)
    {
    }

    /// <summary>Creates a recorder with its own queue capacity and batch size (tests).</summary>
    internal CallRecorder(ICallStore store, ServerOptions options, TimeProvider time, CallRecordMetrics metrics, ILogger<CallRecorder> logger, int capacity, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _store = store;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _capacity = capacity;
        _batchSize = batchSize;
        _maxLogBytes = options.MaxLogSizeBytes;
        _logWait = TimeSpan.FromMilliseconds(options.CallLogWaitMs);
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
    }

    /// <summary>
    /// Queues the record of a synchronous call that ended: <paramref name="call"/> carries its end
    /// (status, status code, error, <see cref="Call.CompletedAt"/>); the start time, container and
    /// attempts (1 when it reached a container, else 0) come from <paramref name="execution"/>, whose
    /// output becomes the call's log. Never waits; drops the record when the queue is full.
    /// </summary>
    /// <returns>Whether the record was queued.</returns>
    public bool Record(Call call, CallExecution? execution)
    {
        ArgumentNullException.ThrowIfNull(call);
        var record = call with
        {
            Type = CallTypes.Sync,
            Attempts = execution is null ? 0 : 1,
            StartedAt = execution?.StartedAt ?? call.StartedAt,
            ContainerId = execution?.ContainerId ?? call.ContainerId,
        };
        if (_queue.Writer.TryWrite(new Pending(record, execution, null)))
        {
            return true;
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
        await _queue.Writer.WriteAsync(new Pending(null, null, done), cancellationToken);
        await done.Task.WaitAsync(cancellationToken);
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                await StepAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what is queued is written below.
        }

        // Calls that end from now on are dropped (and counted); what is queued is written once,
        // without waiting for late output, since the host is going away.
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

    /// <summary>One step of the loop: waits for something to do, then adds a record, or writes the batch.</summary>
    private async Task StepAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_calls.Count > 0 && now >= _due)
        {
            await WriteAsync(WriteAttempts, cancellationToken);
            return;
        }

        if (!_queue.Reader.TryPeek(out var next))
        {
            await WaitForRecordAsync(_calls.Count > 0 ? _due - now : null, cancellationToken);
            return;
        }

        if (next.Flushed is { } flushed)
        {
            _queue.Reader.TryRead(out _);
            _flushes.Add(flushed);
            await WriteAsync(WriteAttempts, cancellationToken);
            return;
        }

        var ready = ReadyAt(next);
        if (ready > now)
        {
            // The call's output may still be on its way; the batch, though, is not held past its time.
            var until = _calls.Count > 0 && _due < ready ? _due : ready;
            await Task.Delay(until - now, _time, cancellationToken);
            return;
        }

        _queue.Reader.TryRead(out _);
        Add(next);
        if (_calls.Count >= _batchSize)
        {
            await WriteAsync(WriteAttempts, cancellationToken);
        }
    }

    /// <summary>When <paramref name="item"/>'s log may be taken: a call that reached no container wrote nothing.</summary>
    private DateTimeOffset ReadyAt(Pending item) =>
        item.Execution is null || item.Call!.CompletedAt is not { } completed ? DateTimeOffset.MinValue : completed + _logWait;

    /// <summary>Waits until a record is queued, or <paramref name="timeout"/> has passed (forever when <see langword="null"/>).</summary>
    private async Task WaitForRecordAsync(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        if (timeout is not { } wait)
        {
            await _queue.Reader.WaitToReadAsync(cancellationToken);
            return;
        }

        using var timer = new CancellationTokenSource(wait, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            await _queue.Reader.WaitToReadAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The batch is due.
        }
    }

    private void Add(Pending item)
    {
        var call = item.Call!;
        if (_calls.Count == 0)
        {
            _due = _time.GetUtcNow() + FlushInterval;
        }

        _calls.Add(call);
        if (CallRecords.TakeLog(call, item.Execution, _maxLogBytes) is { } log)
        {
            _logs.Add(log);
        }
    }

    /// <summary>Writes the batch, trying up to <paramref name="attempts"/> times; then completes the waiting flushes.</summary>
    private async Task WriteAsync(int attempts, CancellationToken cancellationToken)
    {
        for (var attempt = 1; _calls.Count > 0; attempt++)
        {
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
                await Task.Delay(delay, _time, cancellationToken);
            }
        }

        _calls.Clear();
        _logs.Clear();
        foreach (var flushed in _flushes)
        {
            flushed.TrySetResult();
        }

        _flushes.Clear();
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
    private readonly record struct Pending(Call? Call, CallExecution? Execution, TaskCompletionSource? Flushed);
}
