using System.Diagnostics;

namespace FnSharp.Docker.Runc;

/// <summary>
/// A fn container on runc: its bundle (<c>config.json</c>) and socket directory on the host, and once started the
/// <c>runc run</c> child process whose exit is the container's and whose stdout and stderr are its output.
/// </summary>
internal sealed class RuncContainer : IFnContainer, IDisposable
{
    // How long a removal waits, after its kill, for runc to report the exit before it kills runc itself.
    private static readonly TimeSpan ExitSettleTime = TimeSpan.FromSeconds(5);

    // Output written just before the exit may still be in the pipes when runc exits.
    private static readonly TimeSpan LogDrain = TimeSpan.FromSeconds(5);

    private readonly RuncCli _runc;
    private readonly DockerDriverOptions _options;
    private readonly TimeProvider _time;
    private readonly string _bundleDir;
    private readonly string _iofsDir;
    private readonly string _logFrameName;
    private readonly RuncCgroup _cgroup;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly TaskCompletionSource<ContainerExit> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _process;
    private ContainerLogs? _logs;

    public RuncContainer(RuncCli runc, DockerDriverOptions options, TimeProvider time, string id, string bundleDir, string iofsDir, string logFrameName, RuncCgroup cgroup)
    {
        _runc = runc;
        _options = options;
        _time = time;
        Id = id;
        _bundleDir = bundleDir;
        _iofsDir = iofsDir;
        _logFrameName = logFrameName;
        _cgroup = cgroup;
        SocketPath = Path.Combine(iofsDir, SocketReadiness.SocketName);
    }

    public string Id { get; }

    public string SocketPath { get; }

    public TimeSpan ReadyWait { get; private set; }

    /// <inheritdoc/>
    public string? ImageDigest { get; init; }

    /// <inheritdoc/>
    public TimeSpan PullTime { get; init; }

    /// <summary>Runs once the container is removed (the driver frees its network and forgets its id).</summary>
    public Func<Task>? Removed { get; init; }

    /// <summary>
    /// Starts <c>runc run</c> and waits for the socket. The start, as the engine's <c>start</c> on the Docker path, is
    /// runc's set-up until the container's process runs (namespaces, cgroup, mounts, exec): until runc writes the
    /// pid file, whose time of writing ends it; <see cref="ReadyWait"/> is the rest, until the socket.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var pidFile = Path.Combine(_bundleDir, "pid");
        var spawned = _time.GetUtcNow();
        var process = _runc.Run(Id, _bundleDir, pidFile);
        var logs = ContainerLogs.Read(process.StandardOutput.BaseStream, process.StandardError.BaseStream, _logFrameName, _options, _lifetime.Token);
        Volatile.Write(ref _logs, logs);
        Volatile.Write(ref _process, process);
        _ = WatchAsync(process, logs);
        await SocketReadiness.WaitAsync(Id, _iofsDir, _exit.Task, TimeSpan.FromMilliseconds(_options.HotStartTimeoutMs), _time, cancellationToken);
        var ready = _time.GetUtcNow();

        // The file's time is the kernel's clock, as the TimeProvider's on a real host (this class runs only there).
        var running = File.Exists(pidFile) ? new DateTimeOffset(File.GetLastWriteTimeUtc(pidFile)) : spawned;
        var setUp = running < spawned ? TimeSpan.Zero : running > ready ? ready - spawned : running - spawned;
        _runc.RecordRun(setUp);
        ReadyWait = ready - spawned - setUp;
    }

    public Task<ContainerExit> WaitForExitAsync(CancellationToken cancellationToken) => _exit.Task.WaitAsync(cancellationToken);

    public IReadOnlyList<ContainerLogLine> TakeCallLogs(string callId) => Volatile.Read(ref _logs)?.Buffer.Take(callId) ?? [];

    /// <summary>The container's CPU time from its cgroup.</summary>
    public TimeSpan? ReadCpuTime() => _cgroup.ReadCpuTime();

    /// <summary><c>runc pause</c>: the cgroup freezer.</summary>
    public Task PauseAsync(CancellationToken cancellationToken) => CommandAsync("pause", cancellationToken);

    /// <summary><c>runc resume</c>; a container that is not paused is left as it is.</summary>
    public Task UnpauseAsync(CancellationToken cancellationToken) => CommandAsync("resume", cancellationToken);

    /// <summary>
    /// Kills the container (<c>runc kill KILL</c>), waits for runc to report its exit (the OOM kill read from the cgroup
    /// the kept container still has), then deletes it, its bundle and its socket directory. Idempotent: a removal that
    /// failed may be made again.
    /// </summary>
    public async Task RemoveAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _process) is { } process)
        {
            if (!_exit.Task.IsCompleted)
            {
                await _runc.ExecAsync(["kill", Id, "KILL"], CancellationToken.None);
                try
                {
                    await _exit.Task.WaitAsync(ExitSettleTime, _time, cancellationToken);
                }
                catch (TimeoutException)
                {
                    // runc does not report it: the delete below kills what is left, and runc with it.
                    process.Kill();
                }
            }

            if (await _runc.DeleteAsync(Id, CancellationToken.None) is { } error)
            {
                throw new IOException($"runc delete of container {Id} failed: {error}");
            }

            await _exit.Task;
        }

        if (Removed is { } removed)
        {
            await removed();
        }

        DockerDriver.DeleteDirectory(_bundleDir);
        SocketDirectories.Delete(_iofsDir);
        Dispose();
    }

    public void Dispose()
    {
        _process?.Dispose();
        _lifetime.Dispose();
        _cgroup.Dispose();
    }

    private async Task CommandAsync(string command, CancellationToken cancellationToken)
    {
        var (code, _, error) = await _runc.ExecAsync([command, Id], cancellationToken);
        if (code != 0 && !error.Contains("not paused", StringComparison.Ordinal))
        {
            throw new IOException($"runc {command} of container {Id} failed: {error}");
        }
    }

    /// <summary>The exit: runc's exit code, then the output drained, then the OOM kills of the kept cgroup.</summary>
    private async Task WatchAsync(Process process, ContainerLogs logs)
    {
        try
        {
            await process.WaitForExitAsync(CancellationToken.None);
            try
            {
                await logs.Completion.WaitAsync(LogDrain, _time, CancellationToken.None);
            }
            catch (TimeoutException)
            {
                // A process the container left holds the pipes: the tail holds what arrived.
                await _lifetime.CancelAsync();
            }

            _exit.TrySetResult(new ContainerExit
            {
                ExitCode = process.ExitCode,
                OomKilled = _cgroup.ReadOomKills() > 0,
                StderrTail = logs.Buffer.StderrTail(),
            });
        }
#pragma warning disable CA1031 // Anything here is a bug, surfaced to whoever waits for the exit.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _exit.TrySetException(e);
        }
    }
}
