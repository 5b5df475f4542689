using Docker.DotNet;
using Docker.DotNet.Models;

namespace FnSharp.Testing.Docker;

/// <summary>Looks at the real Docker engine from integration tests: which containers carry a label.</summary>
public sealed class EngineProbe : IDisposable
{
    private readonly DockerClient _docker = new DockerClientBuilder().WithEndpoint(new Uri("unix:///var/run/docker.sock")).Build();

    /// <summary>The ids of every container (running or not) of the fn <paramref name="fnId"/>.</summary>
    public Task<List<string>> ContainersOfFnAsync(string fnId) => ContainersWithLabelAsync($"io.fnsharp.fn_id={fnId}");

    /// <summary>The ids of every container (running or not) created by the node <paramref name="node"/>.</summary>
    public Task<List<string>> ContainersOfNodeAsync(string node) => ContainersWithLabelAsync($"io.fnsharp.node={node}");

    /// <summary>
    /// Completes once the container <paramref name="containerId"/> is paused: at once if it is, else at the
    /// engine's <c>pause</c> event for it (subscribed before the state is read, so that none is missed).
    /// </summary>
    public async Task WaitUntilPausedAsync(string containerId)
    {
        // A failsafe against a hung test, not a timing assertion.
        using var failsafe = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var paused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(failsafe.Token);
        var events = _docker.System.MonitorEventsAsync(
            new ContainerEventsParameters
            {
                Filters = new Dictionary<string, IDictionary<string, bool>>
                {
                    ["container"] = new Dictionary<string, bool> { [containerId] = true },
                    ["event"] = new Dictionary<string, bool> { ["pause"] = true },
                },
            },
            new Progress<Message>(_ => paused.TrySetResult()),
            stop.Token);
        try
        {
            var state = await _docker.Containers.InspectContainerAsync(containerId, failsafe.Token);
            if (state.State is not { Paused: true })
            {
                await paused.Task.WaitAsync(failsafe.Token);
            }
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await events;
            }
            catch (OperationCanceledException)
            {
                // The subscription ends here.
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _docker.Dispose();

    private async Task<List<string>> ContainersWithLabelAsync(string label)
    {
        var containers = await _docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [label] = true } },
        });
        return [.. containers.Select(c => c.ID)];
    }
}
