using Docker.DotNet;
using Docker.DotNet.Models;
using FnSharp.Agent.Drivers;

namespace FnSharp.Docker;

/// <summary>A fn container on the Docker engine, with its socket directory on the host.</summary>
internal sealed partial class DockerContainer : IFnContainer
{
    private readonly DockerDriver _driver;
    private readonly string _iofsDir;
    private readonly string _logFrameName;

    public DockerContainer(DockerDriver driver, string id, string iofsDir, string logFrameName)
    {
        _driver = driver;
        Id = id;
        _iofsDir = iofsDir;
        _logFrameName = logFrameName;
        SocketPath = Path.Combine(iofsDir, SocketReadiness.SocketName);
    }

    public string Id { get; }

    public string SocketPath { get; }

    // How long a broken call waits for the engine to report the container's exit (see GetExitStateAsync).
    private static readonly TimeSpan ExitSettleTime = TimeSpan.FromSeconds(1);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await DockerApiMetrics.TimeAsync("container_start", _driver.Time, () => _driver.Client.Containers.StartContainerAsync(Id, new ContainerStartParameters(), cancellationToken));
        var exited = Observe();
        var timeout = TimeSpan.FromMilliseconds(_driver.Options.HotStartTimeoutMs);
        await SocketReadiness.WaitAsync(Id, _iofsDir, exited, timeout, _driver.Time, cancellationToken);
    }

    public Task PauseAsync(CancellationToken cancellationToken) =>
        DockerApiMetrics.TimeAsync("container_pause", _driver.Time, () => _driver.Client.Containers.PauseContainerAsync(Id, cancellationToken));

    public Task UnpauseAsync(CancellationToken cancellationToken) =>
        DockerApiMetrics.TimeAsync("container_unpause", _driver.Time, () => _driver.Client.Containers.UnpauseContainerAsync(Id, cancellationToken));

    /// <summary>
    /// The container's exit, when it has ended. A call's connection breaks the moment the kernel kills
    /// the process (an OOM kill, a crash), a few milliseconds before the engine records the exit; so
    /// when the engine still says running, the exit watch is given <see cref="ExitSettleTime"/> to
    /// report it before the container is taken for alive.
    /// </summary>
    public async Task<ContainerExitState?> GetExitStateAsync(CancellationToken cancellationToken)
    {
        try
        {
            var inspected = await DockerApiMetrics.TimeAsync("container_inspect", _driver.Time, () => _driver.Client.Containers.InspectContainerAsync(Id, cancellationToken));
            if (inspected.State is { Running: false } state)
            {
                return new ContainerExitState(state.ExitCode, state.OOMKilled);
            }
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }

        try
        {
            var exit = await _exit.Task.WaitAsync(ExitSettleTime, _driver.Time, cancellationToken);
            return new ContainerExitState(exit.ExitCode, exit.OomKilled);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    public async Task RemoveAsync(CancellationToken cancellationToken)
    {
        await _driver.RemoveContainerAsync(Id, cancellationToken);
        await StopObservingAsync();
        DockerDriver.DeleteDirectory(_iofsDir);
    }
}
