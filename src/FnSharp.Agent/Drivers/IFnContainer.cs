namespace FnSharp.Agent.Drivers;

/// <summary>One container of a fn, created by an <see cref="IContainerDriver"/>.</summary>
public partial interface IFnContainer
{
    /// <summary>The engine's id of the container.</summary>
    string Id { get; }

    /// <summary>The host path of the container's http-stream socket (<c>lsnr.sock</c>), valid once started.</summary>
    string SocketPath { get; }

    /// <summary>Starts the container and waits until its FDK has created <c>lsnr.sock</c>.</summary>
    /// <exception cref="ContainerStartException">The container exited, failed the socket checks or timed out.</exception>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>
    /// How long the last <see cref="StartAsync"/> waited for the socket after the engine had started the
    /// process: the start's <c>ready</c> phase (the rest of the start is the engine's). Zero before a start.
    /// </summary>
    TimeSpan ReadyWait { get; }

    /// <summary>
    /// Freezes every process of the container (cgroup freezer) while it is idle, as Fn's agent does
    /// after <c>FN_FREEZE_IDLE_MSECS</c>; its memory stays reserved.
    /// </summary>
    Task PauseAsync(CancellationToken cancellationToken);

    /// <summary>Thaws a container frozen by <see cref="PauseAsync"/>; a no-op for a running container.</summary>
    /// <exception cref="ContainerStartException"><see cref="ContainerStartError.EngineUnavailable"/> when the container engine does not answer (the caller's 503, not the function's fault).</exception>
    Task UnpauseAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Stops (kills) and removes the container and its socket directory. Never throws for a container
    /// already gone. Once it returns, <see cref="WaitForExitAsync"/> of a started container has completed
    /// with how the container ended, including an OOM kill that came before the removal.
    /// </summary>
    Task RemoveAsync(CancellationToken cancellationToken);
}
