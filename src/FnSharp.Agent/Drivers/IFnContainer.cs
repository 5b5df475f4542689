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

    /// <summary>Stops and removes the container and its socket directory. Never throws for a container already gone.</summary>
    Task RemoveAsync(CancellationToken cancellationToken);
}
