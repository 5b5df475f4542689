using FnSharp.Core.Models;
using FnSharp.Core.Storage;

namespace FnSharp.Server.Tests.Cluster;

/// <summary>A membership that lists the nodes a test gives it, or runs the test's script instead (hang, fail); it stores nothing.</summary>
internal sealed class ScriptedNodeStore : INodeStore
{
    /// <summary>The nodes listed.</summary>
    public List<Node> Nodes { get; } = [];

    /// <summary>Runs before each listing; by default nothing.</summary>
    public Func<CancellationToken, Task> OnList { get; set; } = _ => Task.CompletedTask;

    public async Task<IReadOnlyList<Node>> GetNodesAsync(CancellationToken cancellationToken)
    {
        await OnList(cancellationToken);
        return [.. Nodes];
    }

    public Task PutNodeAsync(Node node, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<bool> RemoveNodeAsync(string name, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<string>> RemoveNodesAsync(DateTimeOffset heartbeatBefore, CancellationToken cancellationToken) => throw new NotSupportedException();
}
