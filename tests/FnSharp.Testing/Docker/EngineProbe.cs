using System.Globalization;
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
    /// Completes once the container <paramref name="containerId"/> is paused: at once if it is, else once its state reads
    /// paused again at one of the engine's <c>pause</c> events for it.
    /// </summary>
    public async Task WaitUntilPausedAsync(string containerId)
    {
        // A failsafe against a hung test, not a timing assertion.
        using var failsafe = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await WaitForEventsAsync(
            new Dictionary<string, IDictionary<string, bool>>
            {
                ["container"] = new Dictionary<string, bool> { [containerId] = true },
                ["event"] = new Dictionary<string, bool> { ["pause"] = true },
            },
            async () => ((await _docker.Containers.InspectContainerAsync(containerId, failsafe.Token)).State is { Paused: true }, true),
            failsafe.Token);
    }

    /// <summary>
    /// The containers of the fn <paramref name="fnId"/> once their count satisfies <paramref name="condition"/>: read at
    /// once and again at each of the engine's <c>create</c> and <c>destroy</c> events for the fn.
    /// </summary>
    public async Task<List<string>> WaitForContainersOfFnAsync(string fnId, Func<int, bool> condition)
    {
        ArgumentNullException.ThrowIfNull(condition);

        // A failsafe against a hung test, not a timing assertion.
        using var failsafe = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await WaitForEventsAsync(
            new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"io.fnsharp.fn_id={fnId}"] = true },
                ["event"] = new Dictionary<string, bool> { ["create"] = true, ["destroy"] = true },
            },
            async () =>
            {
                var containers = await ContainersOfFnAsync(fnId);
                return (condition(containers.Count), containers);
            },
            failsafe.Token);
    }

    /// <summary>The engine's state of the container <paramref name="containerId"/>: <c>created</c>, <c>running</c>, <c>paused</c>, <c>exited</c>...</summary>
    public async Task<string> StateOfAsync(string containerId) => (await _docker.Containers.InspectContainerAsync(containerId)).State?.Status ?? "unknown";

    /// <inheritdoc/>
    public void Dispose() => _docker.Dispose();

    /// <summary>
    /// Reads <paramref name="read"/> now and again at each of the engine's events that match <paramref name="filters"/>,
    /// until it says it is done; returns the value of that read. The subscription asks for the events since a second before the first read: the
    /// engine registers a subscriber some time after the request is sent (later still on a loaded machine), and an
    /// event between the read and the registration would otherwise be missed and the wait would hang; an event
    /// replayed from before the read only causes one more read.
    /// </summary>
    private async Task<T> WaitForEventsAsync<T>(IDictionary<string, IDictionary<string, bool>> filters, Func<Task<(bool Done, T Value)>> read, CancellationToken cancellationToken)
    {
        var since = TimeProvider.System.GetUtcNow().AddSeconds(-1).ToUnixTimeMilliseconds() / 1000.0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var events = _docker.System.MonitorEventsAsync(
            new ContainerEventsParameters { Since = since.ToString("0.000", CultureInfo.InvariantCulture), Filters = filters },
            new Progress<Message>(_ => Volatile.Read(ref signal).TrySetResult()),
            stop.Token);
        try
        {
            while (true)
            {
                var current = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref signal, current);
                var (done, value) = await read();
                if (done)
                {
                    return value;
                }

                await current.Task.WaitAsync(cancellationToken);
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
