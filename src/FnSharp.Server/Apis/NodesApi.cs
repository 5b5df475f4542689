using System.Text.Json;
using System.Text.Json.Nodes;
using FnSharp.Server.Cluster;

namespace FnSharp.Server.Apis;

/// <summary>
/// <c>GET /v2/nodes</c>, an FnSharp extension (<c>docs/api.md</c>, "Nodes"): the nodes sharing this
/// node's store, from their heartbeats, each with its state (<c>live</c>, or <c>gone</c> after three
/// missed heartbeats) and load.
/// </summary>
internal static class NodesApi
{
    public static IEndpointRouteBuilder MapNodesApi(this IEndpointRouteBuilder routes)
    {
        // The nodes' addresses and capacity are the operator's business.
        routes.MapGet("/v2/nodes", ListNodes).RequireAdmin();
        return routes;
    }

    /// <summary>200 with every node by name: the stored <see cref="Node"/> plus <c>state</c> and <c>load</c>; never paged.</summary>
    public static async Task<IResult> ListNodes(INodeStore nodes, TimeProvider time, IOptions<ClusterOptions> options, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var items = (await nodes.GetNodesAsync(cancellationToken)).Select(node => Body(node, now, options.Value)).ToList();
        return TypedResults.Ok(new ListBody<JsonObject>(items, null));
    }

    /// <summary>
    /// The node as served: its stored fields, <c>state</c>, and <c>load</c>, the calls running and waiting
    /// on it per CPU core (as a Unix load average counts runnable work per core), to two decimals.
    /// </summary>
    private static JsonObject Body(Node node, DateTimeOffset now, ClusterOptions settings)
    {
        var body = JsonSerializer.SerializeToNode(node)!.AsObject();
        body["state"] = NodeHeartbeat.IsGone(node, now, settings) ? "gone" : "live";
        body["load"] = Math.Round((node.RunningCalls + node.WaitingCalls) * 1000.0 / Math.Max(1, node.CpuMilliCpus), 2);
        return body;
    }
}
