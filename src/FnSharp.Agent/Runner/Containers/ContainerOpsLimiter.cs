namespace FnSharp.Agent.Runner.Containers;

/// <summary>
/// Bounds the container operations (create, start, remove) in flight on the engine, so that a burst
/// across many fns never overwhelms it; operations beyond the bound wait in FIFO order.
/// </summary>
internal sealed class ContainerOpsLimiter : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private int _inFlight;
    private int _peakInFlight;

    public ContainerOpsLimiter(int maxInFlight)
    {
        MaxInFlight = maxInFlight;
        _slots = new SemaphoreSlim(maxInFlight, maxInFlight);
    }

    public int MaxInFlight { get; }

    /// <summary>The most operations seen in flight at once.</summary>
    public int PeakInFlight => Volatile.Read(ref _peakInFlight);

    /// <summary>Runs <paramref name="operation"/> once fewer than <see cref="MaxInFlight"/> others run.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> operation, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        var now = Interlocked.Increment(ref _inFlight);
        var peak = Volatile.Read(ref _peakInFlight);
        while (now > peak && Interlocked.CompareExchange(ref _peakInFlight, now, peak) != peak)
        {
            peak = Volatile.Read(ref _peakInFlight);
        }

        try
        {
            return await operation();
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            _slots.Release();
        }
    }

    /// <summary>Runs <paramref name="operation"/> once fewer than <see cref="MaxInFlight"/> others run.</summary>
    public Task RunAsync(Func<Task> operation, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            await operation();
            return true;
        }, cancellationToken);

    public void Dispose() => _slots.Dispose();
}
