namespace FnSharp.Agent.Runner.Containers;

/// <summary>What a container operation is for, which decides its place in <see cref="ContainerOpsLimiter"/>.</summary>
internal enum ContainerOpKind
{
    /// <summary>
    /// Work a call waits on, or may: the create and start of a container (for a waiting call, a warm-up or min-hot),
    /// and the removal an eviction makes room with.
    /// </summary>
    Start,

    /// <summary>
    /// Work no call waits on: the removal of a container idled out, let go, dead, of a failed start, or of a deleted fn or
    /// a replaced configuration (<see cref="RunnerAgent.FnRemoved"/>); the create of a container ahead of demand, or its
    /// removal; the sweep of orphans.
    /// </summary>
    Background,
}

/// <summary>
/// Bounds the container operations (create, start, remove) in flight on the engine, so that a burst across many fns
/// never overwhelms it. Operations beyond the bound wait: starts first, in the order asked, so the starts asked first
/// finish first; a background operation runs when no start waits, or once <see cref="Limit"/> starts in a row have gone
/// ahead of one that waited, so that background work is never starved. So a fn's cold start does not wait behind the
/// removal of another fn's 64 containers (Fn's agent and the previous single queue served them in one FIFO order).
/// </summary>
internal sealed class ContainerOpsLimiter
{
    private readonly Lock _lock = new();
    private readonly LinkedList<TaskCompletionSource> _starts = new();
    private readonly LinkedList<TaskCompletionSource> _background = new();
    private readonly Action<ContainerOpKind>? _waiting;
    private int _free;
    private int _startsPassedBackground;

    /// <summary>Creates the limiter.</summary>
    /// <param name="maxInFlight">The most operations in flight at once (<c>FN_MAX_CONTAINER_OPS</c>); at least 1.</param>
    /// <param name="waiting">Hears each operation that waits for a place, after it joined the line (the runner's observer).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxInFlight"/> is less than 1.</exception>
    public ContainerOpsLimiter(int maxInFlight, Action<ContainerOpKind>? waiting = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInFlight, 1);
        _waiting = waiting;
        _free = maxInFlight;
        Limit = maxInFlight;
    }

    /// <summary>The most operations in flight at once.</summary>
    public int Limit { get; }

    /// <summary>
    /// Runs <paramref name="operation"/> once it has a place (see the type); its exception, if any, is the caller's.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while it waited.</exception>
    public async Task<T> RunAsync<T>(ContainerOpKind kind, Func<Task<T>> operation, CancellationToken cancellationToken)
    {
        await EnterAsync(kind, cancellationToken);
        try
        {
            return await operation();
        }
        finally
        {
            Leave();
        }
    }

    /// <inheritdoc cref="RunAsync{T}(ContainerOpKind, Func{Task{T}}, CancellationToken)"/>
    public Task RunAsync(ContainerOpKind kind, Func<Task> operation, CancellationToken cancellationToken) =>
        RunAsync(kind, async () =>
        {
            await operation();
            return true;
        }, cancellationToken);

    private Task EnterAsync(ContainerOpKind kind, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        LinkedListNode<TaskCompletionSource> node;
        lock (_lock)
        {
            if (_free > 0 && _starts.Count == 0 && _background.Count == 0)
            {
                _free--;
                return Task.CompletedTask;
            }

            var queue = kind == ContainerOpKind.Start ? _starts : _background;
            node = queue.AddLast(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() =>
            {
                lock (_lock)
                {
                    // Given a place already: the operation runs (and watches the token itself).
                    if (node.List is null)
                    {
                        return;
                    }

                    node.List.Remove(node);
                }

                node.Value.TrySetCanceled(cancellationToken);
            });
            _ = node.Value.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        _waiting?.Invoke(kind);

        return node.Value.Task;
    }

    private void Leave()
    {
        TaskCompletionSource? next;
        lock (_lock)
        {
            next = NextLocked();
            if (next is null)
            {
                _free++;
                return;
            }
        }

        next.TrySetResult();
    }

    /// <summary>The waiter given the place just left, taken off its queue; <see langword="null"/> when none waits.</summary>
    private TaskCompletionSource? NextLocked()
    {
        var backgroundsTurn = _background.Count > 0 && (_starts.Count == 0 || _startsPassedBackground >= Limit);
        var queue = backgroundsTurn ? _background : _starts;
        if (queue.First is not { } first)
        {
            return null;
        }

        queue.RemoveFirst();
        _startsPassedBackground = backgroundsTurn || _background.Count == 0 ? 0 : _startsPassedBackground + 1;
        return first.Value;
    }
}
