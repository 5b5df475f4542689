using System.Collections.Concurrent;

namespace FnSharp.Agent.Runner;

/// <summary>
/// The runner's stop, shared by its parts: whether it is stopping (and the token that cancels container
/// starts), how many calls run in containers (so that shutdown lets them finish within its grace period),
/// and the background work (launches, idle-outs) that shutdown awaits before it says nothing is left.
/// </summary>
internal sealed class RunnerLifetime : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<Task, byte> _background = new();
    private int _running;

    public bool IsStopping => _stopping.IsCancellationRequested;

    /// <summary>Cancelled when the runner begins to stop.</summary>
    public CancellationToken StoppingToken => _stopping.Token;

    /// <summary>Calls running in a container now.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>Whether launches or removals are still going on in the background.</summary>
    public bool HasBackground => !_background.IsEmpty;

    /// <summary>A call was given a container.</summary>
    public void CallStarted() => Interlocked.Increment(ref _running);

    /// <summary>A call gave its container back.</summary>
    public void CallEnded()
    {
        if (Interlocked.Decrement(ref _running) == 0 && IsStopping)
        {
            _drained.TrySetResult();
        }
    }

    /// <summary>Keeps a background task (launch, removal) so that shutdown can await it. The task never throws.</summary>
    public void Track(Task task)
    {
        _background.TryAdd(task, 0);
        task.ContinueWith(static (t, s) => ((ConcurrentDictionary<Task, byte>)s!).TryRemove(t, out _), _background, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Begins the stop: <see cref="IsStopping"/> turns true and <see cref="StoppingToken"/> is cancelled.</summary>
    public Task StopAsync() => _stopping.CancelAsync();

    /// <summary>Waits until no call runs, for at most <paramref name="grace"/>; false when the grace ran out or <paramref name="cancellationToken"/> cut it short.</summary>
    public async Task<bool> WaitForCallsAsync(TimeSpan grace, TimeProvider time, CancellationToken cancellationToken)
    {
        if (Running == 0)
        {
            _drained.TrySetResult();
        }

        try
        {
            await _drained.Task.WaitAsync(grace, time, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Awaits the background work going on now.</summary>
    public Task BackgroundAsync() => Task.WhenAll(_background.Keys.ToList());

    public void Dispose() => _stopping.Dispose();
}
