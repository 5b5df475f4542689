using System.Globalization;
using System.Text.Json.Nodes;
using FnSharp.Client;
using FnSharp.Core.Models;

namespace FnSharp.Bench;

internal sealed partial class Scenarios
{
    /// <summary>How many distinct fns the cluster scenario calls.</summary>
    public const int ClusterFns = 30;

    private const int ClusterConnections = 12;
    private const int ClusterThroughputConnections = 32;
    private const int ClusterFnMemoryMiB = 64;

    /// <summary>
    /// Cluster mode (docs/cluster.md): 30 fns called in random order (uniformly: in turn, each fn would keep
    /// meeting the same node of HAProxy's round robin, 30 being a multiple of 3) through HAProxy on 3 nodes, consistent hashing
    /// against round robin, each on a fresh cluster so that both start cold; then the throughput of the
    /// same calls on 3 nodes (the hashed cluster, warm) against 1 node (warmed up alike). Each cluster gets
    /// two runs of the same calls: the first starts the containers, the second shows the steady state. All nodes share
    /// this machine's cores and its one Docker engine.
    /// </summary>
    public async Task ClusterAsync(string serverDll, string run, CancellationToken cancellationToken)
    {
        var seconds = Math.Max(6, settings.WrkSeconds * 2);
        var json = new JsonObject
        {
            ["method"] = $"{ClusterFns} fns of {settings.Image} {Body}, {ClusterFnMemoryMiB} MiB, called in random order by wrk with {ClusterConnections} connections for {seconds} s through HAProxy; "
                + "warm hits = 1 - calls that waited for a container / calls, summed over the nodes' /metrics",
        };
        var modes = new Dictionary<string, (double Starts, double WarmHits, List<double> ByNode, double Hot)>();
        WrkResult? threeNodes = null;
        foreach (var balance in new[] { "hash", "roundrobin" })
        {
            await using var cluster = await ClusterProcess.StartAsync(serverDll, $"{run}-{balance[0]}", 3, balance, new Dictionary<string, string>(), cancellationToken);
            var paths = await CreateClusterFnsAsync(cluster, cancellationToken);

            // A first run starts the containers (cold); the second, measured alike, is the steady state.
            var cold = await RunInTurnAsync(cluster, paths, seconds, cancellationToken);
            var (starts, warmHits, byNode, result) = await RunInTurnAsync(cluster, paths, seconds, cancellationToken);
            var totalByNode = cold.ByNode.Zip(byNode, (first, second) => first + second).ToList();
            var hot = await cluster.MetricAsync("fnsharp_containers", cancellationToken, "state=\"idle\"") + await cluster.MetricAsync("fnsharp_containers", cancellationToken, "state=\"busy\"");
            modes[balance] = (totalByNode.Sum(), warmHits, totalByNode, hot);
            json[balance] = new JsonObject
            {
                ["first_run"] = new JsonObject { ["wrk"] = ToJson(cold.Result), ["containers_started"] = cold.Starts, ["warm_hit_rate"] = Stats.Round(cold.WarmHits, 4) },
                ["second_run"] = new JsonObject { ["wrk"] = ToJson(result), ["containers_started"] = starts, ["warm_hit_rate"] = Stats.Round(warmHits, 4) },
                ["containers_started"] = totalByNode.Sum(),
                ["containers_started_by_node"] = new JsonArray([.. totalByNode.Select(n => (JsonNode)n)]),
                ["hot_containers_at_end"] = hot,
            };
            if (balance == "hash")
            {
                threeNodes = await Wrk.RunAsync(cluster.Balancer + paths[0][1..], ClusterThroughputConnections, settings.WrkSeconds, Body, cancellationToken, paths: paths);
            }
        }

        await using (var single = await ClusterProcess.StartAsync(serverDll, $"{run}-1", 1, "hash", new Dictionary<string, string>(), cancellationToken))
        {
            var paths = await CreateClusterFnsAsync(single, cancellationToken);
            await RunInTurnAsync(single, paths, seconds, cancellationToken);
            await RunInTurnAsync(single, paths, seconds, cancellationToken);
            var oneNode = await Wrk.RunAsync(single.Balancer + paths[0][1..], ClusterThroughputConnections, settings.WrkSeconds, Body, cancellationToken, paths: paths);
            json["throughput"] = new JsonObject
            {
                ["connections"] = ClusterThroughputConnections,
                ["three_nodes"] = ToJson(threeNodes!),
                ["one_node"] = ToJson(oneNode),
                ["ratio"] = Stats.Round(threeNodes!.RequestsPerSecond / oneNode.RequestsPerSecond, 3),
            };
            report.Add("9 cluster: throughput", $"{ClusterThroughputConnections} connections, {ClusterFns} fns at random, through HAProxy",
                $"3 nodes: {F(threeNodes.RequestsPerSecond, "0")} req/s; p50 {F(threeNodes.P50Ms)} ms, p99 {F(threeNodes.P99Ms)} ms; {threeNodes.Non2xx + threeNodes.SocketErrors} errors",
                $"1 node: {F(oneNode.RequestsPerSecond, "0")} req/s; p50 {F(oneNode.P50Ms)} ms, p99 {F(oneNode.P99Ms)} ms",
                $"ratio {F(threeNodes.RequestsPerSecond / oneNode.RequestsPerSecond)}; every node on the same {Environment.ProcessorCount} cores and one engine");
        }

        var hash = modes["hash"];
        var roundRobin = modes["roundrobin"];
        report.Json["cluster"] = json;
        report.Add("9 cluster: placement", $"containers started for {ClusterFns} fns on 3 nodes in two runs of {seconds} s; warm hits in the second",
            $"consistent hash: {hash.Starts} ({string.Join("/", hash.ByNode)} by node), {hash.Hot} hot at the end; warm hits {F(100 * hash.WarmHits, "0.0")}%",
            $"round robin: {roundRobin.Starts} ({string.Join("/", roundRobin.ByNode)}), {roundRobin.Hot} hot; warm hits {F(100 * roundRobin.WarmHits, "0.0")}%",
            $"round robin starts {F(roundRobin.Starts / Math.Max(1, hash.Starts))}x the containers");
    }

    /// <summary>Creates the scenario's fns through the load balancer and returns their <c>/invoke</c> paths.</summary>
    private async Task<List<string>> CreateClusterFnsAsync(ClusterProcess cluster, CancellationToken cancellationToken)
    {
        var api = new FnSharpClient(cluster.Http);
        var app = await api.CreateAppAsync(new App { Name = "cluster" }, cancellationToken);
        var paths = new List<string>();
        for (var i = 0; i < ClusterFns; i++)
        {
            var fn = await api.CreateFnAsync(
                new Fn { AppId = app.Id, Name = "fn-" + i.ToString("D2", CultureInfo.InvariantCulture), Image = settings.Image, Memory = ClusterFnMemoryMiB },
                cancellationToken);
            paths.Add("/invoke/" + fn.Id);
        }

        return paths;
    }

    /// <summary>Calls the fns at random for <paramref name="seconds"/> s and returns the containers started (in all and by node) and the warm-hit rate.</summary>
    private static async Task<(double Starts, double WarmHits, List<double> ByNode, WrkResult Result)> RunInTurnAsync(ClusterProcess cluster, List<string> paths, int seconds, CancellationToken cancellationToken)
    {
        var startsBefore = await cluster.MetricByNodeAsync(StartsMetric, cancellationToken, "result=\"started\"");
        var callsBefore = await cluster.MetricAsync("fnsharp_calls_total", cancellationToken);
        var queuedBefore = await cluster.MetricAsync("fnsharp_calls_queued_total", cancellationToken);
        var result = await Wrk.RunAsync(cluster.Balancer + paths[0][1..], ClusterConnections, seconds, Body, cancellationToken, paths: paths);
        var byNode = (await cluster.MetricByNodeAsync(StartsMetric, cancellationToken, "result=\"started\"")).Zip(startsBefore, (after, before) => after - before).ToList();
        var calls = await cluster.MetricAsync("fnsharp_calls_total", cancellationToken) - callsBefore;
        var queued = await cluster.MetricAsync("fnsharp_calls_queued_total", cancellationToken) - queuedBefore;
        return (byNode.Sum(), calls == 0 ? 0 : 1 - queued / calls, byNode, result);
    }
}
