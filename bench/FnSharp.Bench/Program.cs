// The benchmark harness (scripts/bench.sh runs it): the scenarios of performance.md against one
// fnsharp-server it starts (and a second one with capped memory for the memory-pressure scenario),
// each beside its baseline measured in the same run. Writes bench/results/latest.json and latest.md.
// Slow numbers never fail it: exit 0 unless a scenario could not run (then 1, with the error in the JSON).
// Its options: Usage below (fnsharp-bench --help); a --scenario run writes latest-NAME.json and .md, so that a partial
// run never replaces the full report.
using System.Globalization;
using System.Text.Json.Nodes;
using FnSharp.Bench;

const string Usage = """
    Usage: fnsharp-bench [--quick] [--scenario NAME] [--server PATH] [--out DIR]
      --quick            shorter levels and fewer rounds (a smoke run)
      --scenario NAME    one scenario only: warm, cold, api, many, pressure, records, cluster, fairness, auth,
                         overload, keepalive; writes latest-NAME.json and .md instead of latest.json and .md
      --server PATH      the fnsharp-server to measure (default src/FnSharp.Server/bin/Release/net10.0/fnsharp-server)
      --out DIR          where the results go (default bench/results)
    scripts/bench.sh builds the images and FnSharp, then runs this; docs/benchmarks.md explains the figures.
    """;
if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(Usage);
    return 0;
}

// An option it does not know would otherwise start a full run of several minutes.
for (var i = 0; i < args.Length; i++)
{
    if (args[i] is "--scenario" or "--server" or "--out" && i + 1 < args.Length)
    {
        i++;
    }
    else if (args[i] != "--quick")
    {
        Console.Error.WriteLine($"bench: unknown argument '{args[i]}' (or an option without its value)");
        Console.Error.WriteLine(Usage);
        return 2;
    }
}

var quick = args.Contains("--quick");
string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
string[] scenarioNames = ["warm", "cold", "api", "many", "pressure", "records", "cluster", "fairness", "auth", "overload", "keepalive"];
var only = Arg("--scenario");
if (only is not null && !scenarioNames.Contains(only))
{
    Console.Error.WriteLine($"bench: unknown scenario '{only}'; use one of {string.Join(", ", scenarioNames)}");
    return 2;
}

bool Runs(params string[] names) => only is null || names.Contains(only);
var serverPath = Path.GetFullPath(Arg("--server") ?? "src/FnSharp.Server/bin/Release/net10.0/fnsharp-server");
var outDir = Path.GetFullPath(Arg("--out") ?? "bench/results");
var outName = only is null ? "latest" : "latest-" + only;
var run = "bench-" + Guid.NewGuid().ToString("N")[..8];
var runLabel = "io.fnsharp.bench=" + run;
var settings = quick ? BenchSettings.Quickly(runLabel) : new BenchSettings { DirectLabel = runLabel };
// The overload scenario alone runs longer: its burst of 1000 fns waits for every one to be answered.
using var deadline = new CancellationTokenSource(only == "overload" ? TimeSpan.FromMinutes(quick ? 10 : 25) : quick ? TimeSpan.FromMinutes(4) : TimeSpan.FromMinutes(14));
var ct = deadline.Token;

var report = new Report();
report.Json["started_at"] = DateTimeOffset.UtcNow.ToString("u", CultureInfo.InvariantCulture);
report.Json["mode"] = quick ? "quick" : "full";
report.Json["scenario"] = only ?? "all";
report.Json["machine"] = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}";
report.Json["image"] = settings.Image;
// Other work on the machine skews absolute figures; the load average says how much there was.
string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "";
report.Json["load_average_at_start"] = LoadAverage();
var errors = new JsonObject();
report.Json["errors"] = errors;
var scenarios = new Scenarios(settings, report);

async Task Step(string name, Func<Task> body)
{
    Console.Error.WriteLine($"bench: {DateTimeOffset.UtcNow:HH:mm:ss} {name}");
    try
    {
        await body();
    }
    catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
    {
        Console.Error.WriteLine($"bench: {name} failed: {e}");
        errors[name] = e.Message;
    }
}

var nodes = new List<string>();
var started = DateTimeOffset.UtcNow;
try
{
    if (Runs("warm", "cold", "api", "many"))
    {
        var mainNode = run + "-a";
        nodes.Add(mainNode);
        await using var server = await ServerProcess.StartAsync(serverPath, mainNode, new Dictionary<string, string>(), ct);
        if (Runs("warm"))
        {
            await Step("warm overhead and throughput", () => scenarios.WarmAndThroughputAsync(server, ct));
        }
        if (Runs("cold"))
        {
            // Beside the main server, one as it was before containers were created ahead (issue 17), for the same run's before and after.
            var beforeNode = run + "-c";
            nodes.Add(beforeNode);
            await using var before = await ServerProcess.StartAsync(serverPath, beforeNode, new Dictionary<string, string> { ["FN_PRECREATE_MAX"] = "0" }, ct);

            // And one on runc (FN_DRIVER=runc), when this machine has it and runs the bench as root.
            var runcNode = run + "-r";
            ServerProcess? runc = null;
            if (Environment.IsPrivilegedProcess && ((string[])["/usr/sbin/runc", "/usr/bin/runc", "/usr/local/sbin/runc"]).Any(File.Exists))
            {
                nodes.Add(runcNode);
                runc = await ServerProcess.StartAsync(serverPath, runcNode, new Dictionary<string, string> { ["FN_DRIVER"] = "runc" }, ct);
            }

            await using (runc)
            {
                await Step("cold start", () => scenarios.ColdStartAsync(server, before, runc, ct));
            }
        }
        if (Runs("api"))
        {
            await Step("api", () => scenarios.ApiAsync(server, settings.ApiFns, ct));
        }
        if (Runs("many"))
        {
            foreach (var count in settings.ManyFnCounts)
            {
                await Step($"many fns ({count})", () => scenarios.ManyFnsAsync(server, count, ct));
            }
        }
    }

    if (Runs("pressure"))
    {
        var pressureNode = run + "-m";
        nodes.Add(pressureNode);
        var capped = new Dictionary<string, string>
        {
            ["FN_MAX_TOTAL_MEMORY_BYTES"] = (settings.PressureMemoryMiB * 1024L * 1024).ToString(CultureInfo.InvariantCulture),
            ["FN_MEMORY_HEADROOM_MIB"] = "0",
            ["FN_MAX_WAIT_MSECS"] = "2000",
        };
        await using var server = await ServerProcess.StartAsync(serverPath, pressureNode, capped, ct);
        await Step("memory pressure", () => scenarios.MemoryPressureAsync(server, 8, 16, ct));
    }

    if (Runs("records"))
    {
        // Two servers side by side, alike but for FN_CALL_RECORDS, so that their runs can alternate. Memory for
        // one container each: how many containers the launch policy starts under 16 connections varies from
        // run to run (1 to 3), and would weigh far more on the figures than the records.
        var onNode = run + "-r";
        var offNode = run + "-n";
        nodes.Add(onNode);
        nodes.Add(offNode);
        var oneContainer = new Dictionary<string, string>
        {
            ["FN_MAX_TOTAL_MEMORY_BYTES"] = (Scenarios.FnMemoryMiB * 1024L * 1024).ToString(CultureInfo.InvariantCulture),
            ["FN_MEMORY_HEADROOM_MIB"] = "0",
        };
        await using var on = await ServerProcess.StartAsync(serverPath, onNode, oneContainer, ct);
        await using var off = await ServerProcess.StartAsync(serverPath, offNode, new Dictionary<string, string>(oneContainer) { ["FN_CALL_RECORDS"] = "false" }, ct);
        await Step("call records", () => scenarios.CallRecordsAsync(on, off, ct));
    }

    if (Runs("cluster"))
    {
        // Three clusters in turn (scripts/cluster.sh): hashed, round robin, one node; their nodes are named RUN-h-N, RUN-r-N, RUN-1-N.
        foreach (var node in (string[])["h-1", "h-2", "h-3", "r-1", "r-2", "r-3", "1-1"])
        {
            nodes.Add($"{run}-{node}");
        }

        await Step("cluster", () => scenarios.ClusterAsync(serverPath + ".dll", run, ct));
    }

    if (Runs("fairness"))
    {
        await Step("detached fairness", () => scenarios.FairnessAsync(ct));
    }

    // Not in the full run (it adds about four minutes): scripts/bench.sh --scenario overload.
    if (only == "overload")
    {
        var overloadNode = run + "-v";
        nodes.Add(overloadNode);
        await using var server = await ServerProcess.StartAsync(serverPath, overloadNode, new Dictionary<string, string>
        {
            ["FN_MAX_WAIT_MSECS"] = Scenarios.BurstWaitMs.ToString(CultureInfo.InvariantCulture),
        }, ct);
        await Step("overload", () => scenarios.OverloadAsync(server, ct));
        await Step("burst", () => scenarios.BurstAsync(server, ct));
    }

    // Not in the full run: scripts/bench.sh --scenario keepalive (no server, no Docker: the runner on a fake driver and clock).
    if (only == "keepalive")
    {
        await Step("keep-alive", () => scenarios.KeepAliveAsync(quick, ct));
    }

    // Not in the full run (it would add about two minutes): scripts/bench.sh --scenario auth.
    if (only == "auth")
    {
        // As for the records: two servers side by side, alike but for keys, memory for one container each.
        var keyedNode = run + "-k";
        var openNode = run + "-o";
        nodes.Add(keyedNode);
        nodes.Add(openNode);
        var oneContainer = new Dictionary<string, string>
        {
            ["FN_MAX_TOTAL_MEMORY_BYTES"] = (Scenarios.FnMemoryMiB * 1024L * 1024).ToString(CultureInfo.InvariantCulture),
            ["FN_MEMORY_HEADROOM_MIB"] = "0",
        };
        var adminToken = "bench-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        await using var keyed = await ServerProcess.StartAsync(serverPath, keyedNode, new Dictionary<string, string>(oneContainer) { ["FN_ADMIN_TOKEN"] = adminToken }, ct);
        keyed.Authorization = "Bearer " + adminToken;
        await using var open = await ServerProcess.StartAsync(serverPath, openNode, new Dictionary<string, string>(oneContainer) { ["FN_AUTH"] = "off" }, ct);
        await Step("api keys", () => scenarios.AuthCostAsync(keyed, open, ct));
    }
}
catch (OperationCanceledException) when (ct.IsCancellationRequested)
{
    errors["deadline"] = "the run passed its time limit; later scenarios are missing";
}

// Containers left: every server removes its own as it stops, and the harness its direct ones.
var left = new JsonObject();
var total = 0;
foreach (var label in nodes.Select(n => "io.fnsharp.node=" + n).Append(runLabel))
{
    var n = await Shell.CountContainersAsync(label, CancellationToken.None);
    left[label] = n;
    total += Math.Max(n, 0);
}
// The runc server's containers are runc's, one directory each in its node's state directory (FN_RUNC_STATE_DIR's default).
foreach (var node in nodes)
{
    var state = Path.Combine("/var/lib/fnsharp/runc/nodes", node, "state");
    if (Directory.Exists(state))
    {
        var n = Directory.GetDirectories(state).Length;
        left["runc " + node] = n;
        total += n;
    }
}

report.Json["containers_left_after_stop"] = left;
report.Add("all", "containers left after the servers stopped", total.ToString(CultureInfo.InvariantCulture), "", "target 0");
report.Json["load_average_at_end"] = LoadAverage();
report.Json["duration_s"] = Stats.Round((DateTimeOffset.UtcNow - started).TotalSeconds, 1);
await report.WriteAsync(outDir, outName, CancellationToken.None);
Console.WriteLine(Report.RenderTable(report.Rows));
Console.Error.WriteLine($"bench: wrote {outDir}/{outName}.json and {outName}.md in {report.Json["duration_s"]} s");
return errors.Count == 0 ? 0 : 1;
