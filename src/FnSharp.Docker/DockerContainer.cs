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

    public async Task<ContainerExitState?> GetExitStateAsync(CancellationToken cancellationToken)
    {
        try
        {
            var inspected = await DockerApiMetrics.TimeAsync("container_inspect", _driver.Time, () => _driver.Client.Containers.InspectContainerAsync(Id, cancellationToken));
            return inspected.State is { Running: false } state ? new ContainerExitState(state.ExitCode, state.OOMKilled) : null;
        }
        catch (DockerContainerNotFoundException)
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
