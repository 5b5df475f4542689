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
