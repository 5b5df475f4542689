namespace FnSharp.Docker;

/// <summary>A fn container on the Docker engine, with its socket directory on the host.</summary>
internal sealed partial class DockerContainer : IFnContainer
{
    // How long a removal waits, after its kill, for the exit watch to report how the container ended.
    private static readonly TimeSpan ExitSettleTime = TimeSpan.FromSeconds(1);

    private readonly DockerEngineClient _engine;
    private readonly DockerDriverOptions _options;
    private readonly TimeProvider _time;
    private readonly string _iofsDir;
    private readonly string _logFrameName;
    private readonly ContainerCgroup _cgroup;

    public DockerContainer(DockerEngineClient engine, DockerDriverOptions options, TimeProvider time, string id, string iofsDir, string logFrameName, string? cgroupParent = null)
    {
        _engine = engine;
        _options = options;
        _time = time;
        Id = id;
        _iofsDir = iofsDir;
        _logFrameName = logFrameName;
        SocketPath = Path.Combine(iofsDir, SocketReadiness.SocketName);
        _cgroup = new ContainerCgroup("/sys/fs/cgroup", id, cgroupParent);
    }

    public string Id { get; }

    /// <summary>Runs once the engine has removed the container (the driver forgets its name).</summary>
    public Action? Removed { get; init; }

    public string SocketPath { get; }

    public TimeSpan ReadyWait { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Attached before the start, as Fn's driver does: the engine keeps no log of the output (log driver "none"),
        // so what the container writes reaches only a stream open when it writes.
        var output = await AnsweredAsync(_engine.AttachContainerAsync(Id, cancellationToken));
        try
        {
            await AnsweredAsync(_engine.StartContainerAsync(Id, cancellationToken));
        }
        catch
        {
            output.Dispose();
            throw;
        }

        var started = _time.GetTimestamp();
        var exited = Observe(output);
        var timeout = TimeSpan.FromMilliseconds(_options.HotStartTimeoutMs);
        await SocketReadiness.WaitAsync(Id, _iofsDir, exited, timeout, _time, cancellationToken);
        ReadyWait = _time.GetElapsedTime(started);
    }

    /// <summary>The container's CPU time from its cgroup on this host (see <see cref="ContainerCgroup"/>).</summary>
    public TimeSpan? ReadCpuTime() => _cgroup.Read();

    public Task PauseAsync(CancellationToken cancellationToken) => _engine.PauseContainerAsync(Id, cancellationToken);

    /// <exception cref="ContainerStartException"><see cref="ContainerStartError.EngineUnavailable"/> when the engine does not answer.</exception>
    public Task UnpauseAsync(CancellationToken cancellationToken) => AnsweredAsync(_engine.UnpauseContainerAsync(Id, cancellationToken));

    /// <summary>Awaits an Engine API call whose failure to be answered is the engine's outage, not the container's.</summary>
    /// <exception cref="ContainerStartException"><see cref="ContainerStartError.EngineUnavailable"/> when the engine does not answer.</exception>
    private async Task AnsweredAsync(Task engineCall)
    {
        try
        {
            await engineCall;
        }
        catch (Exception e) when (DockerEngineClient.IsUnreachable(e))
        {
            throw DockerEngineClient.Unreachable(_options.Endpoint, e);
        }
    }

    /// <inheritdoc cref="AnsweredAsync(Task)"/>
    private async Task<T> AnsweredAsync<T>(Task<T> engineCall)
    {
        await AnsweredAsync((Task)engineCall);
        return await engineCall;
    }

    /// <summary>
    /// Kills the container, lets the exit watch report how it ended, then removes it. A call's connection
    /// breaks the moment the kernel kills the process (an OOM kill, a crash), a few milliseconds before
    /// the engine records the exit; killing first and waiting up to <see cref="ExitSettleTime"/> for the
    /// watch keeps that record (<c>State.OOMKilled</c>) readable before the container is deleted.
    /// </summary>
    public async Task RemoveAsync(CancellationToken cancellationToken)
    {
        if (IsObserved && !_exit.Task.IsCompleted)
        {
            await _engine.KillContainerAsync(Id, cancellationToken);
            try
            {
                await _exit.Task.WaitAsync(ExitSettleTime, _time, cancellationToken);
            }
            catch (TimeoutException)
            {
                // The engine is slow to report it: the removal below ends the watch with what it knows.
            }
        }

        await _engine.RemoveContainerAsync(Id, cancellationToken);
        _cgroup.Dispose();
        Removed?.Invoke();
        await StopObservingAsync();
        SocketDirectories.Delete(_iofsDir);
    }
}
