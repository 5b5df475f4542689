namespace FnSharp.Agent.Runner.Containers;

/// <summary>
/// Bounds the container operations (create, start, remove) in flight on the engine, so that a burst
/// across many fns never overwhelms it; operations beyond the bound wait in FIFO order (the order of
/// <see cref="SemaphoreSlim"/>'s asynchronous waiters), so the starts asked first finish first.
/// </summary>
internal sealed class ContainerOpsLimiter : IDisposable
{
    private readonly SemaphoreSlim _slots;

    /// <summary>Creates the limiter.</summary>
    /// <param name="maxInFlight">The most operations in flight at once (<c>FN_MAX_CONTAINER_OPS</c>).</param>
    public ContainerOpsLimiter(int maxInFlight)
    {
        _slots = new SemaphoreSlim(maxInFlight, maxInFlight);
        Limit = maxInFlight;
    }

    /// <summary>The most operations in flight at once.</summary>
    public int Limit { get; }

    /// <summary>Runs <paramref name="operation"/> once fewer than the limit of others run.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> operation, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        try
        {
            return await operation();
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>Runs <paramref name="operation"/> once fewer than the limit of others run.</summary>
    public Task RunAsync(Func<Task> operation, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            await operation();
            return true;
        }, cancellationToken);

    public void Dispose() => _slots.Dispose();
}
