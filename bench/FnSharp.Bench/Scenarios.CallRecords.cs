using System.Globalization;
using System.Text.Json.Nodes;
using FnSharp.Client;
using FnSharp.Core.Models;

namespace FnSharp.Bench;

/// <summary>Scenario 7: the cost of call records on the synchronous path, records on against records off.</summary>
internal sealed partial class Scenarios
{
    private const string WrittenMetric = "fnsharp_call_records_written_total";
    private const string DroppedMetric = "fnsharp_call_records_dropped_total";

    // A record is written about half a second after its call (FN_CALL_LOG_WAIT_MSECS 250, then a batch
    // due 250 ms after its first record): each run's CPU is read this long after its load ends, so that
    // the writes of its last calls count for it and not for the next run.
    private static readonly TimeSpan RecordSettle = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The same warm load (wrk, a warm fn of the same image) against <paramref name="on"/> (records on,
    /// the default) and <paramref name="off"/> (<c>FN_CALL_RECORDS=false</c>), in rounds of off, on, off
    /// again at each level of connections; p50, p99, req/s and server CPU per call compared, with the two
    /// "off" runs as the noise; then the records written and dropped, from <c>/metrics</c>.
    /// </summary>
    public async Task CallRecordsAsync(ServerProcess on, ServerProcess off, CancellationToken cancellationToken)
    {
        var onFn = await CreateWarmFnAsync(on, cancellationToken);
        var offFn = await CreateWarmFnAsync(off, cancellationToken);
        // Long enough for the JIT's tiering to settle, whose CPU would otherwise weigh on the first runs
        // (3 s was not: the first run of each server used up to 3 times the CPU per call of the later ones).
        var warmupSeconds = Math.Max(5, settings.WrkSeconds);
        long answeredByOn = 0;
        var levels = new JsonArray();
        foreach (var connections in settings.RecordConnections)
        {
            // Both servers start the containers this level needs before anything is measured.
            answeredByOn += (await Wrk.RunAsync(InvokeUrl(on, onFn), connections, warmupSeconds, Body, cancellationToken, on.CallAuthorization)).Requests;
            await Wrk.RunAsync(InvokeUrl(off, offFn), connections, warmupSeconds, Body, cancellationToken, off.CallAuthorization);

            var rounds = new List<AbaRound>();
            var runs = new JsonArray();
            double onStarts = 0, offStarts = 0;
            for (var round = 1; round <= settings.RecordRounds; round++)
            {
                var before = await MeasureLoadAsync(off, offFn, connections, "off", round, runs, cancellationToken);
                var recorded = await MeasureLoadAsync(on, onFn, connections, "on", round, runs, cancellationToken);
                var after = await MeasureLoadAsync(off, offFn, connections, "off", round, runs, cancellationToken);
                rounds.Add(new AbaRound(before.Sample, recorded.Sample, after.Sample));
                answeredByOn += recorded.Requests;
                onStarts += recorded.Starts;
                offStarts += before.Starts + after.Starts;
            }

            var comparison = RecordsComparison.Compare(rounds);
            var onRuns = rounds.Select(r => r.On).ToList();
            var offRuns = rounds.SelectMany(r => new[] { r.OffBefore, r.OffAfter }).ToList();
            var compared = new JsonObject();
            foreach (var c in comparison)
            {
                compared[c.Name] = new JsonObject { ["on_over_off"] = c.OnOverOff, ["off_over_off"] = c.OffOverOff, ["noise"] = c.Noise, ["within_noise"] = c.WithinNoise };
            }
            levels.Add(new JsonObject
            {
                ["connections"] = connections,
                ["records_on_median"] = ToJson(Medians(onRuns)),
                ["records_off_median"] = ToJson(Medians(offRuns)),
                ["comparison"] = compared,
                ["containers_started_on"] = onStarts,
                ["containers_started_off"] = offStarts,
                ["runs"] = runs,
            });
            var level = connections == 1 ? "1 connection" : $"{connections} connections";
            // A container started during a measured run weighs on its latency and its server CPU: shown beside the figures.
            report.Add("7 call records", $"{level}: records on (median of {onRuns.Count})", $"{Describe(Medians(onRuns))}; {onStarts} container starts",
                $"records off (median of {offRuns.Count}): {Describe(Medians(offRuns))}; {offStarts} container starts", DescribeComparison(comparison));
        }

        // The last records are written about half a second after their calls; wait until the count stops moving.
        var written = await SettledMetricAsync(on, WrittenMetric, cancellationToken);
        var dropped = await on.MetricAsync(DroppedMetric, cancellationToken);
        var offWritten = await off.MetricAsync(WrittenMetric, cancellationToken);
        var offDropped = await off.MetricAsync(DroppedMetric, cancellationToken);
        report.Json["call_records"] = new JsonObject
        {
            ["method"] = $"two servers started together, records on (default) and FN_CALL_RECORDS=false, each with memory for one container (FN_MAX_TOTAL_MEMORY_BYTES={FnMemoryMiB} MiB, FN_MEMORY_HEADROOM_MIB=0); a warm fn each ({settings.Image} {Body}); "
                + $"per level of connections a {warmupSeconds} s wrk warm-up on each, then {settings.RecordRounds} rounds of wrk {settings.WrkSeconds} s against off, on, off again, "
                + "each run after one call that replaces the containers the previous run's cut-off calls cost; "
                + "on_over_off = median over rounds of on / mean of the round's two off runs; off_over_off = median of the second off run / the first; "
                + "noise = the largest |off_over_off - 1| of any round; server CPU = the server process's user+system time over the run and the following "
                + $"{RecordSettle.TotalMilliseconds} ms, per call answered",
            ["rounds"] = settings.RecordRounds,
            ["levels"] = levels,
            ["records"] = new JsonObject
            {
                ["on_calls_answered"] = answeredByOn,
                ["on_written"] = written,
                ["on_dropped"] = dropped,
                ["off_written"] = offWritten,
                ["off_dropped"] = offDropped,
            },
        };
        report.Add("7 call records", "records written / dropped (/metrics)", $"records on: {written} written, {dropped} dropped, for {answeredByOn} calls answered",
            $"records off: {offWritten} written, {offDropped} dropped", "target: ratios on/off within the off/off noise");
    }

    /// <summary>The median of each figure of <paramref name="samples"/>.</summary>
    internal static LoadSample Medians(IReadOnlyList<LoadSample> samples) => new(
        Stats.Median([.. samples.Select(s => s.P50Ms)]),
        Stats.Median([.. samples.Select(s => s.P99Ms)]),
        Stats.Median([.. samples.Select(s => s.RequestsPerSecond)]),
        Stats.Median([.. samples.Select(s => s.CpuMsPerCall)]));

    /// <summary>The comparison as one cell: each ratio on/off with the off/off noise, and whether it is within it.</summary>
    internal static string DescribeComparison(IReadOnlyList<MetricComparison> comparison) =>
        "on/off: " + string.Join("; ", comparison.Select(c =>
            $"{c.Name} {F(c.OnOverOff, "0.000")} (off/off noise ±{F(c.Noise, "0.000")}: {(c.WithinNoise ? "within" : c.OnOverOff > 1 ? "higher, beyond it" : "lower, beyond it")})"));

    private static string Describe(LoadSample s) =>
        $"p50 {F(s.P50Ms, "0.###")} ms, p99 {F(s.P99Ms)} ms, {F(s.RequestsPerSecond, "0")} req/s, server CPU {F(s.CpuMsPerCall, "0.###")} ms/call";

    private static JsonObject ToJson(LoadSample s) => new()
    {
        ["p50_ms"] = Stats.Round(s.P50Ms, 3),
        ["p99_ms"] = Stats.Round(s.P99Ms, 3),
        ["requests_per_s"] = Stats.Round(s.RequestsPerSecond, 1),
        ["server_cpu_ms_per_call"] = Stats.Round(s.CpuMsPerCall, 4),
    };

    private static string InvokeUrl(ServerProcess server, string fnId) => $"http://127.0.0.1:{server.Port}/invoke/{fnId}";

    private async Task<string> CreateWarmFnAsync(ServerProcess server, CancellationToken cancellationToken)
    {
        var api = new FnSharpClient(server.Http);
        var app = await api.CreateAppAsync(new App { Name = "records" }, cancellationToken);
        var fn = await CreateFnAsync(api, app.Id, "records", cancellationToken);
        var (status, _) = await InvokeAsync(server.Http, fn.Id, cancellationToken);
        return status == 200 ? fn.Id : throw new InvalidOperationException($"the first call on {server.Node} answered {status}");
    }

    /// <summary>One call, then one wrk run, with the server's CPU time over the run and <see cref="RecordSettle"/> after; added to <paramref name="runs"/>.</summary>
    private async Task<(LoadSample Sample, long Requests, double Starts)> MeasureLoadAsync(ServerProcess server, string fnId, int connections, string records, int round, JsonArray runs, CancellationToken cancellationToken)
    {
        // wrk stops with calls in flight; the server abandons their containers (their connections are in an
        // unknown state), so the next run would begin with a cold start. One call first, outside the figures.
        var (status, _) = await InvokeAsync(server.Http, fnId, cancellationToken);
        if (status != 200)
        {
            throw new InvalidOperationException($"the call before a run on {server.Node} answered {status}");
        }

        var startsBefore = await server.MetricAsync(StartsMetric, cancellationToken);
        var cpuBefore = server.CpuTime;
        var run = await Wrk.RunAsync(InvokeUrl(server, fnId), connections, settings.WrkSeconds, Body, cancellationToken, server.CallAuthorization);
        await Task.Delay(RecordSettle, cancellationToken);
        var cpuMs = (server.CpuTime - cpuBefore).TotalMilliseconds;
        var starts = await server.MetricAsync(StartsMetric, cancellationToken) - startsBefore;
        var sample = new LoadSample(run.P50Ms, run.P99Ms, run.RequestsPerSecond, run.Requests == 0 ? 0 : cpuMs / run.Requests);
        var json = ToJson(run);
        json["round"] = round;
        json["records"] = records;
        json["server_cpu_ms"] = Stats.Round(cpuMs, 1);
        json["server_cpu_ms_per_call"] = Stats.Round(sample.CpuMsPerCall, 4);
        json["containers_started"] = starts;
        runs.Add(json);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bench:   records {records,-3} c={connections} round {round}: {run.RequestsPerSecond} req/s, p50 {run.P50Ms} ms, p99 {run.P99Ms} ms, cpu {sample.CpuMsPerCall:0.###} ms/call"));
        return (sample, run.Requests, starts);
    }

    /// <summary>Metric <paramref name="name"/> once two readings half a second apart agree (at most 10 s).</summary>
    private static async Task<double> SettledMetricAsync(ServerProcess server, string name, CancellationToken cancellationToken)
    {
        var last = await server.MetricAsync(name, cancellationToken);
        for (var i = 0; i < 20; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            var now = await server.MetricAsync(name, cancellationToken);
            if (now == last)
            {
                break;
            }

            last = now;
        }

        return last;
    }
}
