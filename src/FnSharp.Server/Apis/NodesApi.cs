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

    /// <summary>
    /// 200 with one page of nodes by name, each the stored <see cref="Node"/> plus <c>state</c> and <c>load</c>; paged as
    /// every list is (<c>cursor</c>, <c>per_page</c>: 30 by default, at most 100), though a cluster's nodes fit on one page.
    /// </summary>
    /// <exception cref="ApiException">400 for a bad <c>cursor</c> or <c>per_page</c> (<see cref="Cursor.Filter"/>).</exception>
    public static async Task<IResult> ListNodes(INodeStore nodes, TimeProvider time, IOptions<ClusterOptions> options, string? cursor, string? per_page, CancellationToken cancellationToken)
    {
        var filter = Cursor.Filter(cursor, per_page);
        var now = time.GetUtcNow();
        var page = (await nodes.GetNodesAsync(cancellationToken))
            .Where(node => filter.AfterName is null || string.CompareOrdinal(node.Name, filter.AfterName) > 0)
            .Take(filter.PerPage)
            .ToList();
        var next = page.Count == filter.PerPage ? Cursor.EncodeName(page[^1].Name) : null;
        return TypedResults.Ok(new ListBody<JsonObject>([.. page.Select(node => Body(node, now, options.Value))], next));
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
