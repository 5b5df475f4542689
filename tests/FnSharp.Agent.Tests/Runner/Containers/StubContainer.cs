using FnSharp.Agent.Drivers;

namespace FnSharp.Agent.Tests.Runner.Containers;

/// <summary>A driver's container that only counts what is asked of it (no socket: for parts that never call it).</summary>
internal sealed class StubContainer : IFnContainer
{
    private readonly TaskCompletionSource<ContainerExit> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _pauses;
    private int _unpauses;
    private int _removals;

    public string Id { get; } = "stub-" + Guid.NewGuid().ToString("N")[..8];

    public string SocketPath => "/nonexistent/lsnr.sock";

    public int Pauses => Volatile.Read(ref _pauses);

    public int Unpauses => Volatile.Read(ref _unpauses);

    public int Removals => Volatile.Read(ref _removals);

    /// <summary>Holds every removal until it completes, when set.</summary>
    public Task? RemovalGate { get; set; }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task PauseAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _pauses);
        return Task.CompletedTask;
    }

    public Task UnpauseAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _unpauses);
        return Task.CompletedTask;
    }

    public async Task RemoveAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _removals);
        if (RemovalGate is { } gate)
        {
            await gate;
        }

        _exit.TrySetResult(new ContainerExit { ExitCode = 137, OomKilled = false, StderrTail = [] });
    }

    public Task<ContainerExit> WaitForExitAsync(CancellationToken cancellationToken) => _exit.Task.WaitAsync(cancellationToken);

    public IReadOnlyList<ContainerLogLine> TakeCallLogs(string callId) => [];
}
