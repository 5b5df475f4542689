namespace FnSharp.Docker;

/// <summary>The container's output capture and exit watch, from its start to its removal.</summary>
internal sealed partial class DockerContainer : IDisposable
{
    private readonly CancellationTokenSource _lifetime = new();
    private readonly TaskCompletionSource<ContainerExit> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ContainerLogs? _logs;
    private int _stopped;

    public Task<ContainerExit> WaitForExitAsync(CancellationToken cancellationToken) => _exit.Task.WaitAsync(cancellationToken);

    public IReadOnlyList<ContainerLogLine> TakeCallLogs(string callId) => _logs?.Buffer.Take(callId) ?? [];

    /// <summary>Whether the container was started, so that its output and exit are followed.</summary>
    private bool IsObserved => Volatile.Read(ref _logs) is not null;

    /// <summary>Starts reading the output (<paramref name="attached"/>) and watching for the exit of the just-started container; returns the exit.</summary>
    private Task<ContainerExit> Observe(MultiplexedStream attached)
    {
        var logs = ContainerLogs.Follow(attached, _logFrameName, _options, _lifetime.Token);
        Volatile.Write(ref _logs, logs);
        _ = WatchAsync(logs);
        return _exit.Task;
    }

    private async Task WatchAsync(ContainerLogs logs)
    {
        try
        {
            _exit.TrySetResult(await ContainerExitWatcher.WatchAsync(_engine, Id, logs, _time, _lifetime.Token));
        }
#pragma warning disable CA1031 // The watch handles the engine's failures itself; anything else is a bug, surfaced to whoever waits for the exit.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _exit.TrySetException(e);
        }
    }

    /// <summary>Releases the cancellation source of the output capture and exit watch; <see cref="RemoveAsync"/> does it too.</summary>
    public void Dispose() => _lifetime.Dispose();

    /// <summary>After removal: stops the log reader and the exit watch, which then report what they have.</summary>
    private async Task StopObservingAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        if (_logs is { } logs)
        {
            // The removal normally ends both at once; cancelling covers an engine that no longer answers.
            await _lifetime.CancelAsync();
            await _exit.Task;
            await logs.Completion;
        }

        _lifetime.Dispose();
    }
}
