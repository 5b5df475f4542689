namespace FnSharp.Core.Storage;

/// <summary>
/// The membership of the nodes sharing a store: each node writes its heartbeat (<see cref="Node"/>)
/// into its own row, and any node lists them all. Implemented by <see cref="Sql.SqlDataStore"/> on both
/// databases (on SQLite the only member is the one node). Nothing here decides who is alive: a reader
/// compares <see cref="Node.HeartbeatAt"/> with its own clock. Every method is safe to call
/// concurrently from several nodes.
/// </summary>
public interface INodeStore
{
    /// <summary>Stores <paramref name="node"/> as the latest heartbeat of its node, replacing the one before.</summary>
    Task PutNodeAsync(Node node, CancellationToken cancellationToken);

    /// <summary>Returns every stored node, by name.</summary>
    Task<IReadOnlyList<Node>> GetNodesAsync(CancellationToken cancellationToken);

    /// <summary>Removes the node named <paramref name="name"/> (it leaves the cluster).</summary>
    /// <returns>Whether it was stored.</returns>
    Task<bool> RemoveNodeAsync(string name, CancellationToken cancellationToken);

    /// <summary>Removes the nodes whose last heartbeat is before <paramref name="heartbeatBefore"/> (gone for good).</summary>
    /// <returns>The names removed.</returns>
    Task<IReadOnlyList<string>> RemoveNodesAsync(DateTimeOffset heartbeatBefore, CancellationToken cancellationToken);
}
