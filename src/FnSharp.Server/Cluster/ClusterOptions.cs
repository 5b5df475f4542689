namespace FnSharp.Server.Cluster;

/// <summary>
/// The settings of cluster membership (<see cref="NodeHeartbeat"/>, <c>GET /v2/nodes</c>), read from
/// FnSharp's own <c>FN_NODE_*</c> names (Fn has no membership: its LB agent held a static list of
/// runners); bound and checked at start-up by <see cref="Configuration.Settings.Cluster"/>. <c>docs/configuration.md</c> lists them.
/// </summary>
public sealed record ClusterOptions
{
    /// <summary>
    /// The URL other nodes and operators reach this node's API at (<c>FN_NODE_URL</c>), for example
    /// <c>http://10.0.0.7:8080</c>; when empty, the address the server listens on, with this host's name
    /// in place of a wildcard address.
    /// </summary>
    public string Url { get; set; } = "";

    /// <summary>How often this node stores its heartbeat, in milliseconds (<c>FN_NODE_HEARTBEAT_MSECS</c>, default 5000).</summary>
    public int HeartbeatMs { get; set; } = 5000;

    /// <summary>
    /// How long after its last heartbeat a node that stopped beating is removed from the membership, in
    /// seconds (<c>FN_NODE_FORGET_SECS</c>, default 3600). Until then <c>GET /v2/nodes</c> shows it as gone.
    /// </summary>
    public int ForgetSecs { get; set; } = 3600;

    /// <summary>
    /// Fn's node type (<c>FN_NODE_TYPE</c>): <c>full</c> (the default), or <c>api</c> or <c>lb</c>, Fn's split nodes, which
    /// FnSharp runs as full nodes too, saying so at start (<see cref="Configuration.FnOnlySettings"/>). Fn's
    /// <c>pure-runner</c> is refused: FnSharp has no node without the API.
    /// </summary>
    public string NodeType { get; set; } = "full";

    /// <summary>How long after its last heartbeat a node counts as gone: three missed heartbeats.</summary>
    public TimeSpan GoneAfter => TimeSpan.FromMilliseconds(3.0 * HeartbeatMs);
}
