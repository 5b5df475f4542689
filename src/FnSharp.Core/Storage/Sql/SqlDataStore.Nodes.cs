using System.Data;
using System.Data.Common;

namespace FnSharp.Core.Storage.Sql;

// Node membership on the table nodes: one row per node, written by that node only (an upsert per
// heartbeat), read and pruned by any node.
public abstract partial class SqlDataStore : INodeStore
{
    private const string NodeColumns = "name, url, started_at, heartbeat_at, memory_total_mib, memory_reserved_mib, cpu_mcpus, hot_containers, running_calls, waiting_calls";

    /// <inheritdoc/>
    public Task PutNodeAsync(Node node, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentException.ThrowIfNullOrEmpty(node.Name);
        return ExecuteAsync(
            $"""
            INSERT INTO nodes ({NodeColumns})
            VALUES ({SqlParameters.Of(NodeColumns)})
            ON CONFLICT (name) DO UPDATE SET url = excluded.url, started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at,
                memory_total_mib = excluded.memory_total_mib, memory_reserved_mib = excluded.memory_reserved_mib, cpu_mcpus = excluded.cpu_mcpus,
                hot_containers = excluded.hot_containers, running_calls = excluded.running_calls, waiting_calls = excluded.waiting_calls
            """,
            upsert =>
            {
                AddString(upsert, "@name", StoredText.ToStorable(node.Name));
                AddString(upsert, "@url", StoredText.ToStorable(node.Url));
                AddInt64(upsert, "@started_at", node.StartedAt.ToUnixTimeMilliseconds());
                AddInt64(upsert, "@heartbeat_at", node.HeartbeatAt.ToUnixTimeMilliseconds());
                AddInt64(upsert, "@memory_total_mib", node.MemoryTotalMiB);
                AddInt64(upsert, "@memory_reserved_mib", node.MemoryReservedMiB);
                AddInt64(upsert, "@cpu_mcpus", node.CpuMilliCpus);
                Add(upsert, "@hot_containers", DbType.Int32, node.HotContainers);
                Add(upsert, "@running_calls", DbType.Int32, node.RunningCalls);
                Add(upsert, "@waiting_calls", DbType.Int32, node.WaitingCalls);
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<Node>> GetNodesAsync(CancellationToken cancellationToken) =>
        await QueryAllAsync($"SELECT {NodeColumns} FROM nodes ORDER BY name", static _ => { }, ReadNode, cancellationToken);

    /// <inheritdoc/>
    public async Task<bool> RemoveNodeAsync(string name, CancellationToken cancellationToken) =>
        StoredText.IsStorable(name)
        && await ExecuteAsync("DELETE FROM nodes WHERE name = @name", command => AddString(command, "@name", name), cancellationToken) > 0;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> RemoveNodesAsync(DateTimeOffset heartbeatBefore, CancellationToken cancellationToken)
    {
        // One statement, so that two nodes pruning at once never both report a node removed.
        var names = await QueryAllAsync(
            "DELETE FROM nodes WHERE heartbeat_at < @before RETURNING name",
            command => AddInt64(command, "@before", heartbeatBefore.ToUnixTimeMilliseconds()),
            static reader => reader.GetString(0),
            cancellationToken);
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    private static Node ReadNode(DbDataReader reader) => new()
    {
        Name = reader.GetString(0),
        Url = reader.GetString(1),
        StartedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
        HeartbeatAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
        MemoryTotalMiB = reader.GetInt64(4),
        MemoryReservedMiB = reader.GetInt64(5),
        CpuMilliCpus = reader.GetInt64(6),
        HotContainers = reader.GetInt32(7),
        RunningCalls = reader.GetInt32(8),
        WaitingCalls = reader.GetInt32(9),
    };
}
