using System.Collections.Concurrent;
using System.Text.Json;
using FnSharp.Storage.Postgres;
using FnSharp.Testing;
using FnSharp.Testing.Docker;
using Npgsql;

namespace FnSharp.Server.Tests.Cluster;

/// <summary>
/// Cluster mode end to end (<c>docs/cluster.md</c>): three real nodes on one PostgreSQL behind real
/// HAProxy (<see cref="LocalCluster"/>, started once for the class), calls in real containers of
/// <c>fnsharp/testfn:latest</c>. Each test leaves every node running.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class ClusterOnHaproxyTests(LocalCluster cluster) : IClassFixture<LocalCluster>, IDisposable
{
    private const int ClosedWithoutAnswer = -1;
    private static readonly TimeSpan Failsafe = TimeSpan.FromSeconds(60);
    private readonly EngineProbe _engine = new();

    public void Dispose() => _engine.Dispose();

    [Fact]
    public async Task OneFn_CallsGoToOneNodeWhileItsLoadAllows_ThenSpillToAnother()
    {
        var fnId = await cluster.CreateFnAsync("spread", "fn");

        var sequential = new List<string?>();
        for (var i = 0; i < 8; i++)
        {
            var (status, _, node) = await cluster.InvokeAsync(cluster.Balancer, fnId);
            Assert.Equal(200, status);
            sequential.Add(node);
        }

        var home = Assert.Single(sequential.Distinct());
        var containersWhenSequential = await NodesOfContainersAsync(fnId);

        // An HTTP trigger's calls are hashed on the app and path: one node for all of them too.
        var fn = await cluster.SendJsonAsync(HttpMethod.Get, cluster.Balancer, $"/v2/fns/{fnId}");
        await cluster.PostJsonAsync(cluster.Balancer, "/v2/triggers", $$"""{"app_id":"{{fn.GetProperty("app_id").GetString()}}","fn_id":"{{fnId}}","name":"t","type":"http","source":"/hello"}""");
        var viaTrigger = new List<string?>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await TriggerCallAsync(new Uri(cluster.Balancer, "/t/spread/hello"));
            Assert.True(response.StatusCode == System.Net.HttpStatusCode.OK, $"trigger call {i}: {(int)response.StatusCode} {response.Headers} {await response.Content.ReadAsStringAsync()}");
            viaTrigger.Add(response.Headers.GetValues("X-FnSharp-Node").Single());
        }

        // Twelve calls at once, each 3 s long: the home node may hold at most 150% of the average load.
        var burst = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => cluster.InvokeAsync(cluster.Balancer, fnId, """{"sleepMs":3000}""")));
        var containersAfterBurst = await NodesOfContainersAsync(fnId);

        Assert.Equal([home], containersWhenSequential.Distinct());
        Assert.Single(viaTrigger.Distinct());
        Assert.All(burst, b => Assert.Equal(200, b.Status));
        Assert.True(burst.Select(b => b.Node).Distinct().Count() >= 2, "the burst stayed on one node: " + string.Join(", ", burst.Select(b => b.Node)));
        Assert.Contains(home, containersAfterBurst);
        Assert.True(containersAfterBurst.Distinct().Count() >= 2);
    }

    [Fact]
    public async Task FnUpdatedThroughOneNode_NextCallThroughAnotherSeesItAtOnce()
    {
        var a = await cluster.NodeUrlAsync(cluster.Nodes[0]);
        var b = await cluster.NodeUrlAsync(cluster.Nodes[1]);
        var fnId = await cluster.CreateFnAsync("update", "fn", """{"GREETING":"v0"}""");
        Assert.Equal("v0", Greeting(await cluster.InvokeAsClientAsync(b, fnId, """{"echo":true}""")));

        // Each round changes the fn through node A, then calls it through node B, whose cache held the fn.
        var seen = new List<string?>();
        for (var round = 1; round <= 10; round++)
        {
            await cluster.SendJsonAsync(HttpMethod.Put, a, $"/v2/fns/{fnId}", $"{{\"config\":{{\"GREETING\":\"v{round}\"}}}}");
            seen.Add(Greeting(await cluster.InvokeAsClientAsync(b, fnId, """{"echo":true}""")));
        }

        Assert.Equal(Enumerable.Range(1, 10).Select(r => $"v{r}"), seen);
    }

    [Fact]
    public async Task NodeKilledUnderSteadyLoad_OthersKeepAnswering_ItsDetachedCallsEndElsewhere_ItRejoins()
    {
        var victim = cluster.Nodes[2];
        var victimUrl = await cluster.NodeUrlAsync(victim);
        var appId = (await cluster.PostJsonAsync(cluster.Balancer, "/v2/apps", """{"name":"steady"}""")).GetProperty("id").GetString()!;
        var fns = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            fns.Add(await cluster.CreateFnInAppAsync(appId, $"fn{i}"));
        }

        // A fn whose home is the victim (found by asking HAProxy), to see the victim take its calls back later.
        var homes = new Dictionary<string, string?>();
        foreach (var fn in fns)
        {
            homes[fn] = (await cluster.InvokeAsync(cluster.Balancer, fn)).Node;
        }

        var victimsFn = fns.FirstOrDefault(f => homes[f] == victim) ?? await FnHomedOnAsync(appId, victim);

        var changing = await cluster.CreateFnInAppAsync(appId, "changing");

        // Detached calls accepted by the victim itself: its worker, woken at once, claims most of them (every
        // node's worker also polls the shared queue, and one may take a call first: that call runs once, there).
        var slow = await cluster.CreateFnInAppAsync(appId, "slow");
        var detached = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var (status, body, _) = await cluster.InvokeAsync(victimUrl, slow, """{"sleepMs":10000}""", detached: true);
            Assert.Equal(202, status);
            detached.Add(JsonDocument.Parse(body).RootElement.GetProperty("call_id").GetString()!);
        }

        var whenClaimed = "";
        await LocalCluster.EventuallyAsync(
            async () =>
            {
                var states = await CallStatesAsync(detached);
                whenClaimed = Describe(states);
                return !states.Any(s => s.Status == "queued") && states.Any(s => s.Status == "running" && s.Owner == victim);
            },
            "every detached call claimed, some by the victim",
            Failsafe);

        // Steady load: four clients calling the six fns in turn through the load balancer.
        using var stop = new CancellationTokenSource();
        var results = new ConcurrentQueue<(DateTime At, int Status, string? Node)>();
        var clients = Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
        {
            for (var i = c; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    var (status, _, node) = await cluster.InvokeAsync(cluster.Balancer, fns[i % fns.Count], """{"sleepMs":50}""");
                    results.Enqueue((DateTime.UtcNow, status, node));
                }
                catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ResponseEnded)
                {
                    // HAProxy's answer to a request that was not the first of its keep-alive connection when
                    // its node died: the connection closed without a response (docs/cluster.md, "Failures").
                    results.Enqueue((DateTime.UtcNow, ClosedWithoutAnswer, e.Message));
                }
            }
        })).ToList();
        await LocalCluster.EventuallyAsync(() => Task.FromResult(results.Count >= 20), "20 calls under steady load", Failsafe);

        await cluster.KillAsync(victim);
        var killed = DateTime.UtcNow;

        // Read after the kill, when the victim can store nothing more: the detached calls it was running, under its
        // lease still or, on a loaded machine where this read came after their leases ended, claimed again by another
        // node for a second attempt (some may have ended on the victim before the kill, with their one attempt).
        var atKill = await CallStatesAsync(detached);
        var cutOff = atKill.Where(s => s.Status == "running" && (s.Owner == victim || s.Attempts > 1)).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var afterKill = await cluster.StatusAsync();

        // Changes go on while the victim still counts as live: they wait for it at most a bounded time,
        // then not at all (docs/cluster.md), and each is seen by the next call through the others.
        var updated = new List<string?>();
        foreach (var greeting in new[] { "after-kill-1", "after-kill-2" })
        {
            await cluster.SendJsonAsync(HttpMethod.Put, cluster.Balancer, $"/v2/fns/{changing}", $"{{\"config\":{{\"GREETING\":\"{greeting}\"}}}}");
            foreach (var node in cluster.Nodes.Where(n => n != victim))
            {
                // The changed configuration's first call on each node is a cold start, which a node loaded by the suite may
                // refuse from its start backlog with a Retry-After (a 503 seen in a fresh-clone run).
                updated.Add(Greeting(await cluster.InvokeAsClientAsync(await cluster.NodeUrlAsync(node), changing, """{"echo":true}""")));
            }
        }
        await LocalCluster.EventuallyAsync(() => Task.FromResult(results.Count(r => r.At > killed.AddSeconds(3) && r.Status == 200) >= 40), "40 calls answered by the others after the kill", Failsafe);
        await LocalCluster.EventuallyAsync(async () => (await NodeStatesAsync())[victim] == "gone", "the victim shown as gone", Failsafe);
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        // Its detached calls run again on the others once their 3 s leases end.
        var ended = new List<JsonElement>();
        foreach (var callId in detached)
        {
            JsonElement call = default;
            await LocalCluster.EventuallyAsync(
                async () => (call = await cluster.SendJsonAsync(HttpMethod.Get, cluster.Balancer, $"/v2/fns/{slow}/calls/{callId}")).GetProperty("status").GetString() is "success" or "error" or "timeout",
                $"detached call {callId} ending",
                Failsafe);
            ended.Add(call);
        }

        await cluster.StartAsync(victim);
        await LocalCluster.EventuallyAsync(async () => (await cluster.InvokeAsync(cluster.Balancer, victimsFn)).Node == victim, "the victim taking its fn's calls back", Failsafe);
        var states = await NodeStatesAsync();

        Assert.Equal("down", afterKill.Single(n => n.Name == victim).State);
        Assert.Equal(["after-kill-1", "after-kill-1", "after-kill-2", "after-kill-2"], updated);
        var failures = results.Where(r => r.Status != 200).ToList();
        Assert.True(failures.Count <= 4, $"{failures.Count} calls failed; at most the 4 in flight on the victim may: " + string.Join(", ", failures.Select(f => $"{f.Status} {f.Node} at {(f.At - killed).TotalMilliseconds} ms")));
        Assert.All(failures, f => Assert.True(f.Status is 502 or 503 or ClosedWithoutAnswer, $"a call failed with {f.Status} {f.Node} at {(f.At - killed).TotalMilliseconds} ms"));
        Assert.DoesNotContain(results, r => r.At > killed.AddSeconds(1) && r.Node == victim);
        Assert.True(cutOff.Count > 0, $"none of the detached calls ran on the victim when it was killed; when claimed: {whenClaimed}; at the kill: {Describe(atKill)}");
        Assert.All(ended, call => Assert.Equal(("success", cutOff.Contains(call.GetProperty("id").GetString()!) ? 2 : 1), (call.GetProperty("status").GetString(), call.GetProperty("attempts").GetInt32())));
        Assert.All(cluster.Nodes, n => Assert.Equal("live", states[n]));
    }

    private static string? Greeting((int Status, string Body, string? Node) answer)
    {
        Assert.True(answer.Status == 200, $"{answer.Status} from {answer.Node}: {answer.Body}");
        return JsonDocument.Parse(answer.Body).RootElement.GetProperty("env").GetProperty("GREETING").GetString();
    }

    /// <summary>The node of each container of the fn (from the engine's labels).</summary>
    private async Task<List<string>> NodesOfContainersAsync(string fnId)
    {
        var nodes = new List<string>();
        foreach (var node in cluster.Nodes)
        {
            var ofNode = await _engine.ContainersOfNodeAsync(node);
            var ofFn = await _engine.ContainersOfFnAsync(fnId);
            nodes.AddRange(ofFn.Intersect(ofNode).Select(_ => node));
        }

        return nodes;
    }

    private async Task<Dictionary<string, string>> NodeStatesAsync()
    {
        var body = await cluster.SendJsonAsync(HttpMethod.Get, cluster.Balancer, "/v2/nodes");
        return body.GetProperty("items").EnumerateArray().ToDictionary(n => n.GetProperty("name").GetString()!, n => n.GetProperty("state").GetString()!);
    }

    /// <summary>Each call's status and the node whose lease it runs under (<see langword="null"/> for none), read from the database.</summary>
    private async Task<List<(string Id, string Status, string? Owner, int Attempts)>> CallStatesAsync(IReadOnlyList<string> ids)
    {
        await using var connection = new NpgsqlConnection(PostgresDataStore.ConnectionStringFromUrl(cluster.DbUrl));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id, status, lease_owner, attempts FROM calls WHERE id = ANY(@ids) ORDER BY id", connection);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        var states = new List<(string, string, string?, int)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            states.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt32(3)));
        }

        return states;
    }

    private static string Describe(IEnumerable<(string Id, string Status, string? Owner, int Attempts)> states) =>
        string.Join(", ", states.Select(s => $"{s.Id} {s.Status} on {s.Owner ?? "-"} (attempt {s.Attempts})"));

    /// <summary>Creates fns until one's calls go to <paramref name="node"/>, and returns it.</summary>
    private async Task<string> FnHomedOnAsync(string appId, string node)
    {
        for (var i = 0; i < 30; i++)
        {
            var fn = await cluster.CreateFnInAppAsync(appId, $"homed{i}");
            if ((await cluster.InvokeAsync(cluster.Balancer, fn)).Node == node)
            {
                return fn;
            }
        }

        throw new InvalidOperationException($"no fn of 30 hashed to {node}");
    }

    /// <summary>
    /// Calls an HTTP trigger as a well-behaved client does: a 503 with <c>Retry-After</c> (the node's start backlog, on a
    /// host loaded by the rest of the suite) is tried again after it, at most twice; the answer that ends it is returned.
    /// </summary>
    private async Task<HttpResponseMessage> TriggerCallAsync(Uri url)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await cluster.Http.PostAsync(url, new StringContent("{}"));
            if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable || response.Headers.RetryAfter?.Delta is not { } after || attempt == 3)
            {
                return response;
            }

            response.Dispose();
            await Task.Delay(after < TimeSpan.FromSeconds(5) ? after : TimeSpan.FromSeconds(5), TimeProvider.System);
        }
    }
}
