using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using FnSharp.Client;
using FnSharp.Core.Models;

namespace FnSharp.Bench;

/// <summary>The scenarios of performance.md, each measured beside its baseline in the same run.</summary>
internal sealed partial class Scenarios(BenchSettings settings, Report report)
{
    /// <summary>The memory of every fn the scenarios create, in MiB.</summary>
    public const int FnMemoryMiB = 128;

    private const string Body = """{"sleepMs":1}""";
    private const string StartsMetric = "fnsharp_container_starts_total";

    // Fn 0.3.753 on this kind of machine (performance.md): 16 connections, starting cold.
    private const double FnRps16 = 1253;

    private static string F(double value, string format = "0.##") => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>Scenarios 1 and 2: warm overhead at 1 connection against the direct container, and throughput at 1, 16, 64 connections.</summary>
    public async Task WarmAndThroughputAsync(ServerProcess server, CancellationToken cancellationToken)
    {
        var api = new FnSharpClient(server.Http);
        var app = await api.CreateAppAsync(new App { Name = "warm" }, cancellationToken);
        var warm = await CreateFnAsync(api, app.Id, "warm", cancellationToken);
        await InvokeAsync(server.Http, warm.Id, cancellationToken);

        await using var direct = await DirectContainer.StartAsync(settings.Image, settings.DirectLabel, cancellationToken);
        await direct.CallAsync(Body, cancellationToken);
        await using var toContainer = new Forwarder(direct.EndPoint);
        await using var toServer = new Forwarder(new IPEndPoint(IPAddress.Loopback, server.Port));

        var directRun = await Wrk.RunAsync($"http://127.0.0.1:{toContainer.Port}/call", 1, settings.WrkSeconds, Body, cancellationToken);
        var platform = await Wrk.RunAsync($"http://127.0.0.1:{server.Port}/invoke/{warm.Id}", 1, settings.WrkSeconds, Body, cancellationToken);
        var forwarded = await Wrk.RunAsync($"http://127.0.0.1:{toServer.Port}/invoke/{warm.Id}", 1, settings.WrkSeconds, Body, cancellationToken);
        var forwarderP50 = forwarded.P50Ms - platform.P50Ms;
        report.Json["warm_overhead"] = new JsonObject
        {
            ["method"] = "wrk, 1 connection; direct = wrk -> harness TCP-to-unix forwarder -> container socket; forwarder cost = wrk via the same forwarder to FnSharp minus wrk to FnSharp",
            ["fnsharp"] = ToJson(platform),
            ["direct"] = ToJson(directRun),
            ["fnsharp_via_forwarder"] = ToJson(forwarded),
            ["forwarder_p50_ms"] = Stats.Round(forwarderP50, 3),
            ["overhead_p50_ms"] = Stats.Round(platform.P50Ms - directRun.P50Ms, 3),
            ["overhead_p50_ms_forwarder_corrected"] = Stats.Round(platform.P50Ms - (directRun.P50Ms - forwarderP50), 3),
            ["overhead_p99_ms"] = Stats.Round(platform.P99Ms - directRun.P99Ms, 3),
            ["throughput_ratio"] = Stats.Round(platform.RequestsPerSecond / directRun.RequestsPerSecond, 3),
        };
        report.Add("1 warm overhead", "p50 / p99 at 1 connection", $"{F(platform.P50Ms, "0.###")} / {F(platform.P99Ms)} ms", $"direct: {F(directRun.P50Ms, "0.###")} / {F(directRun.P99Ms)} ms",
            $"overhead p50 {F(platform.P50Ms - directRun.P50Ms, "0.###")} ms (forwarder itself ~{F(forwarderP50, "0.###")} ms)");
        report.Add("1 warm overhead", "req/s at 1 connection", F(platform.RequestsPerSecond, "0"), $"direct: {F(directRun.RequestsPerSecond, "0")}; Fn: 1502",
            $"ratio to direct {F(platform.RequestsPerSecond / directRun.RequestsPerSecond)}");

        var levels = new JsonArray();
        foreach (var connections in new[] { 1, 16, 64 })
        {
            var fn = await CreateFnAsync(api, app.Id, "tput-" + connections.ToString(CultureInfo.InvariantCulture), cancellationToken);
            var startsBefore = await server.MetricAsync(StartsMetric, cancellationToken);
            var run = await Wrk.RunAsync($"http://127.0.0.1:{server.Port}/invoke/{fn.Id}", connections, settings.WrkSeconds, Body, cancellationToken);
            var starts = await server.MetricAsync(StartsMetric, cancellationToken) - startsBefore;
            var level = ToJson(run);
            level["containers_started"] = starts;
            levels.Add(level);
            var target = connections == 16
                ? $"target >= {F(3 * FnRps16, "0")} req/s, p99 < 25 ms, <= 4 containers"
                : "";
            report.Add("2 throughput (cold fn, 1 ms)", $"{connections} connections", $"{F(run.RequestsPerSecond, "0")} req/s; p50 {F(run.P50Ms)} ms, p99 {F(run.P99Ms)} ms; {starts} containers; {run.Non2xx} non-2xx",
                connections == 16 ? $"Fn: {F(FnRps16, "0")} req/s, p99 251 ms, 24 containers" : connections == 1 ? "Fn: 1502 req/s, p99 9.1 ms" : "", target);
        }
        report.Json["throughput"] = new JsonObject { ["function"] = "fnsharp/testfn " + Body + ", a fresh (cold) fn per level", ["levels"] = levels };
    }

    /// <summary>Scenario 4: N distinct fns called at once.</summary>
    public async Task ManyFnsAsync(ServerProcess server, int count, CancellationToken cancellationToken)
    {
        var api = new FnSharpClient(server.Http);
        var app = await api.CreateAppAsync(new App { Name = "many-" + count.ToString(CultureInfo.InvariantCulture) }, cancellationToken);
        var fns = new Fn[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, ct) =>
            fns[i] = await CreateFnAsync(api, app.Id, "f" + i.ToString(CultureInfo.InvariantCulture), ct));
        var containersBefore = await Shell.CountContainersAsync(server.Label, cancellationToken);
        var startsBefore = await server.MetricAsync(StartsMetric, cancellationToken);
        var watch = Stopwatch.StartNew();
        var outcomes = await Task.WhenAll(fns.Select(fn => InvokeAsync(server.Http, fn.Id, cancellationToken)));
        var seconds = watch.Elapsed.TotalSeconds;
        var starts = await server.MetricAsync(StartsMetric, cancellationToken) - startsBefore;
        var containersAfter = await Shell.CountContainersAsync(server.Label, cancellationToken);
        var kinds = Kinds(outcomes);
        var json = new JsonObject
        {
            ["fns"] = count,
            ["completion_s"] = Stats.Round(seconds),
            ["outcomes"] = ToJson(kinds),
            ["containers_started"] = starts,
            ["container_starts_per_s"] = Stats.Round(starts / seconds),
            ["server_containers_before"] = containersBefore,
            ["server_containers_right_after"] = containersAfter,
        };
        ((JsonObject)(report.Json["many_fns"] ??= new JsonObject()))[count.ToString(CultureInfo.InvariantCulture)] = json;
        var other = kinds.Where(k => k.Key is not ("200" or "503 with Retry-After")).Sum(k => k.Value);
        report.Add($"4 many fns (N={count})", "all called at once", $"{F(seconds)} s; {Describe(kinds)}; {starts} starts ({F(starts / seconds, "0.0")}/s)",
            "", $"errors other than 503+Retry-After: {other}; containers of the server right after: {containersAfter} (left after stop: see end)");
    }

    /// <summary>Scenario 5: more hot demand than memory, on a server whose memory is capped.</summary>
    public async Task MemoryPressureAsync(ServerProcess server, int fnCount, int callers, CancellationToken cancellationToken)
    {
        var api = new FnSharpClient(server.Http);
        var app = await api.CreateAppAsync(new App { Name = "pressure" }, cancellationToken);
        var fns = new List<Fn>();
        for (var i = 0; i < fnCount; i++)
        {
            fns.Add(await CreateFnAsync(api, app.Id, "p" + i.ToString(CultureInfo.InvariantCulture), cancellationToken));
        }
        var startsBefore = await server.MetricAsync(StartsMetric, cancellationToken);
        var evictionsBefore = await server.MetricAsync("fnsharp_container_evictions_total", cancellationToken);
        var outcomes = new List<(int, bool)>();
        var until = Stopwatch.StartNew();
        var duration = TimeSpan.FromSeconds(settings.PressureSeconds);
        await Task.WhenAll(Enumerable.Range(0, callers).Select(async caller =>
        {
            var mine = new List<(int, bool)>();
            for (var k = 0; until.Elapsed < duration; k++)
            {
                mine.Add(await InvokeAsync(server.Http, fns[(caller + k) % fns.Count].Id, cancellationToken, """{"sleepMs":20}"""));
            }
            lock (outcomes)
            {
                outcomes.AddRange(mine);
            }
        }));
        var starts = await server.MetricAsync(StartsMetric, cancellationToken) - startsBefore;
        var evictions = await server.MetricAsync("fnsharp_container_evictions_total", cancellationToken) - evictionsBefore;
        var kinds = Kinds(outcomes);
        var other = kinds.Where(k => k.Key is not ("200" or "503 with Retry-After")).Sum(k => k.Value);
        report.Json["memory_pressure"] = new JsonObject
        {
            ["setup"] = $"{fnCount} fns of 128 MiB, {callers} callers rotating over them for {settings.PressureSeconds} s, {settings.PressureMemoryMiB} MiB for containers (FN_MAX_TOTAL_MEMORY_BYTES, headroom 0), FN_MAX_WAIT_MSECS=2000",
            ["outcomes"] = ToJson(kinds),
            ["containers_started"] = starts,
            ["evictions"] = evictions,
            ["other_failures"] = other,
        };
        report.Add("5 memory pressure", $"{fnCount}x128 MiB fns, {callers} callers, {settings.PressureMemoryMiB} MiB", $"{Describe(kinds)}; {evictions} evictions; {starts} starts",
            "", $"failures other than 503+Retry-After: {other}");
    }

    /// <summary>Scenario 6: create N fns one by one, then list them all by pages of 100.</summary>
    public async Task ApiAsync(ServerProcess server, int count, CancellationToken cancellationToken)
    {
        var api = new FnSharpClient(server.Http);
        var app = await api.CreateAppAsync(new App { Name = "api" }, cancellationToken);
        var creates = new List<double>();
        var watch = new Stopwatch();
        for (var i = 0; i < count; i++)
        {
            watch.Restart();
            await CreateFnAsync(api, app.Id, "api" + i.ToString(CultureInfo.InvariantCulture), cancellationToken);
            creates.Add(watch.Elapsed.TotalMilliseconds);
        }
        var lists = new List<double>();
        var listed = 0;
        string? cursor = null;
        do
        {
            watch.Restart();
            var page = await api.ListFnsAsync(app.Id, cursor, 100, cancellationToken: cancellationToken);
            lists.Add(watch.Elapsed.TotalMilliseconds);
            listed += page.Items.Count;
            cursor = page.NextCursor;
        }
        while (!string.IsNullOrEmpty(cursor));
        report.Json["api"] = new JsonObject
        {
            ["fns"] = count,
            ["create_p50_ms"] = Stats.Round(Stats.Percentile(creates, 50), 3),
            ["create_p99_ms"] = Stats.Round(Stats.Percentile(creates, 99), 3),
            ["create_total_s"] = Stats.Round(creates.Sum() / 1000),
            ["list_pages"] = lists.Count,
            ["listed"] = listed,
            ["list_page_p50_ms"] = Stats.Round(Stats.Percentile(lists, 50), 3),
            ["list_page_p99_ms"] = Stats.Round(Stats.Percentile(lists, 99), 3),
        };
        report.Add("6 API", $"create {count} fns (one at a time)", $"p50 {F(Stats.Percentile(creates, 50))} ms, p99 {F(Stats.Percentile(creates, 99))} ms", "", "");
        report.Add("6 API", $"list {count} fns (pages of 100)", $"{lists.Count} pages, {listed} fns; p50 {F(Stats.Percentile(lists, 50))} ms, p99 {F(Stats.Percentile(lists, 99))} ms", "", "");
    }

    /// <summary>Outcomes grouped: "200", "503 with Retry-After", "503 without Retry-After", other statuses, and exceptions.</summary>
    internal static SortedDictionary<string, int> Kinds(IEnumerable<(int Status, bool RetryAfter)> outcomes)
    {
        var kinds = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (status, retryAfter) in outcomes)
        {
            var kind = status switch
            {
                503 => retryAfter ? "503 with Retry-After" : "503 without Retry-After",
                < 0 => "client error or timeout",
                _ => status.ToString(CultureInfo.InvariantCulture),
            };
            kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
        }
        return kinds;
    }

    private static string Describe(SortedDictionary<string, int> kinds) => string.Join(", ", kinds.Select(k => $"{k.Value}x {k.Key}"));

    private static JsonObject ToJson(SortedDictionary<string, int> kinds)
    {
        var json = new JsonObject();
        foreach (var (kind, n) in kinds)
        {
            json[kind] = n;
        }
        return json;
    }

    private static JsonObject ToJson(WrkResult r) => new()
    {
        ["connections"] = r.Connections,
        ["seconds"] = r.Seconds,
        ["requests"] = r.Requests,
        ["requests_per_s"] = r.RequestsPerSecond,
        ["p50_ms"] = r.P50Ms,
        ["p90_ms"] = r.P90Ms,
        ["p99_ms"] = r.P99Ms,
        ["max_ms"] = r.MaxMs,
        ["non_2xx"] = r.Non2xx,
        ["socket_errors"] = r.SocketErrors,
    };

    private Task<Fn> CreateFnAsync(FnSharpClient api, string appId, string name, CancellationToken cancellationToken, string? image = null) =>
        api.CreateFnAsync(new Fn { Name = name, AppId = appId, Image = image ?? settings.Image, Memory = FnMemoryMiB, Timeout = 30 }, cancellationToken);

    /// <summary>One invoke; the status (-1 for a client-side failure) and whether a Retry-After came with it.</summary>
    private static async Task<(int Status, bool RetryAfter)> InvokeAsync(HttpClient http, string fnId, CancellationToken cancellationToken, string body = Body)
    {
        var (status, retryAfter) = await InvokeWithRetryAfterAsync(http, fnId, cancellationToken, body);
        return (status, retryAfter is not null);
    }

    /// <summary>One invoke; the status (-1 for a client-side failure) and its <c>Retry-After</c> header, if any.</summary>
    private static async Task<(int Status, RetryConditionHeaderValue? RetryAfter)> InvokeWithRetryAfterAsync(HttpClient http, string fnId, CancellationToken cancellationToken, string body = Body)
    {
        try
        {
            using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
            using var response = await http.PostAsync("invoke/" + fnId, content, cancellationToken);
            await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return ((int)response.StatusCode, response.Headers.RetryAfter);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (-1, null);
        }
    }
}
