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

    /// <summary>Removes every container of the node <paramref name="node"/> (a failed test's, whose server could not).</summary>
    public async Task RemoveContainersOfNodeAsync(string node)
    {
        foreach (var id in await ContainersOfNodeAsync(node))
        {
            await _docker.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true });
        }
    }

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

    /// <summary>
    /// The containers of the fn <paramref name="fnId"/> once their count satisfies <paramref name="condition"/>: read at
    /// once and again at each of the engine's <c>create</c> and <c>destroy</c> events for the fn (subscribed before the
    /// first read, so that none is missed).
    /// </summary>
    public async Task<List<string>> WaitForContainersOfFnAsync(string fnId, Func<int, bool> condition)
    {
        ArgumentNullException.ThrowIfNull(condition);

        // A failsafe against a hung test, not a timing assertion.
        using var failsafe = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(failsafe.Token);
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var events = _docker.System.MonitorEventsAsync(
            new ContainerEventsParameters
            {
                Filters = new Dictionary<string, IDictionary<string, bool>>
                {
                    ["label"] = new Dictionary<string, bool> { [$"io.fnsharp.fn_id={fnId}"] = true },
                    ["event"] = new Dictionary<string, bool> { ["create"] = true, ["destroy"] = true },
                },
            },
            new Progress<Message>(_ => Volatile.Read(ref signal).TrySetResult()),
            stop.Token);
        try
        {
            while (true)
            {
                var current = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref signal, current);
                var containers = await ContainersOfFnAsync(fnId);
                if (condition(containers.Count))
                {
                    return containers;
                }

                await current.Task.WaitAsync(failsafe.Token);
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

    /// <summary>The engine's state of the container <paramref name="containerId"/>: <c>created</c>, <c>running</c>, <c>paused</c>, <c>exited</c>...</summary>
    public async Task<string> StateOfAsync(string containerId) => (await _docker.Containers.InspectContainerAsync(containerId)).State?.Status ?? "unknown";

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
