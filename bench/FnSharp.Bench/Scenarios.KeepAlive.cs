using System.Globalization;
using System.Text.Json.Nodes;
using FnSharp.Agent.Runner.KeepAlive;
using FnSharp.Bench.KeepAlive;

namespace FnSharp.Bench;

internal sealed partial class Scenarios
{
    /// <summary>
    /// The traces' seeds: the policies' constants are chosen on the first, the second checks that they were not fitted
    /// to it (both must meet the target for it to count as met).
    /// </summary>
    public static readonly int[] KeepAliveSeeds = [17, 42];

    /// <summary>The traces' fns, length and the most calls a day a fn is replayed with.</summary>
    public const int KeepAliveFns = 240;
    public const double KeepAliveMaxPerDay = 5_000;
    public static readonly TimeSpan KeepAliveLength = TimeSpan.FromHours(24);

    /// <summary>The prices of a cold start (GiB-seconds) at which <see cref="KeepAliveBound"/> is worked out.</summary>
    private static readonly double[] s_boundPrices = [.. Enumerable.Range(1, 80).Select(i => i * 5.0)];

    /// <summary>
    /// Issue 17's keep-alive evaluation: for each seed, one synthetic trace (<see cref="KeepAliveTrace"/>) replayed through
    /// the real runner on a fake driver and a fake clock (<see cref="KeepAliveReplay"/>) under fixed keep-alives of 30 s,
    /// 10 min and 20 min (each fn's idle_timeout) and under the hybrid and the cost policies bounded by 10 min and by
    /// 20 min; then the best any per-fn windows chosen in hindsight reach (<see cref="KeepAliveBound"/>). Target: fewer
    /// cold starts than fixed 10 min at no more than half its memory-seconds, on both seeds.
    /// </summary>
    public async Task KeepAliveAsync(bool quick, CancellationToken cancellationToken)
    {
        var seeds = new JsonArray();
        foreach (var seed in KeepAliveSeeds)
        {
            seeds.Add(await KeepAliveSeedAsync(seed, quick, cancellationToken));
        }

        report.Json["keepalive"] = seeds;
    }

    private async Task<JsonObject> KeepAliveSeedAsync(int seed, bool quick, CancellationToken cancellationToken)
    {
        var trace = KeepAliveTrace.Generate(seed, quick ? 60 : KeepAliveFns, quick ? TimeSpan.FromHours(6) : KeepAliveLength, KeepAliveMaxPerDay);
        var called = trace.Calls.Select(c => c.Fn).Distinct().Count();
        var perDay = trace.Fns.Select(f => f.PerDay).ToArray();
        var traceJson = new JsonObject
        {
            ["seed"] = trace.Seed,
            ["fns"] = trace.Fns.Count,
            ["fns_called"] = called,
            ["hours"] = trace.Length.TotalHours,
            ["calls"] = trace.Calls.Count,
            ["per_day_min"] = perDay.Min(),
            ["per_day_max_drawn"] = perDay.Max(),
            ["per_day_max_replayed"] = trace.MaxPerDay,
            ["orders_of_magnitude_drawn"] = Math.Round(Math.Log10(perDay.Max() / perDay.Min()), 1),
            ["at_most_hourly_share"] = Math.Round(perDay.Count(r => r <= 24) / (double)perDay.Length, 2),
            ["at_most_per_minute_share"] = Math.Round(perDay.Count(r => r <= 1440) / (double)perDay.Length, 2),
            ["timers"] = trace.Fns.Count(f => f.Arrival == Arrival.Timer),
            ["poisson"] = trace.Fns.Count(f => f.Arrival == Arrival.Poisson),
            ["bursty"] = trace.Fns.Count(f => f.Arrival == Arrival.Bursty),
        };

        (string Name, KeepAlivePolicyKind Policy, int IdleTimeout)[] runs =
        [
            ("fixed 30 s", KeepAlivePolicyKind.Fixed, 30),
            ("fixed 10 min", KeepAlivePolicyKind.Fixed, 600),
            ("fixed 20 min", KeepAlivePolicyKind.Fixed, 1200),
            ("hybrid, idle_timeout 10 min", KeepAlivePolicyKind.Hybrid, 600),
            ("hybrid, idle_timeout 20 min", KeepAlivePolicyKind.Hybrid, 1200),
            ("cost, idle_timeout 10 min", KeepAlivePolicyKind.Cost, 600),
            ("cost, idle_timeout 20 min", KeepAlivePolicyKind.Cost, 1200),
        ];
        var results = new List<ReplayResult>();
        var json = new JsonArray();
        foreach (var (name, policy, idleTimeout) in runs)
        {
            var result = await KeepAliveReplay.RunAsync(trace, name, policy, idleTimeout, cancellationToken);
            Console.Error.WriteLine($"bench: keepalive seed {seed}, {name}: {result.Cold} cold of {result.Calls} calls ({string.Join(", ", result.ColdByArrival.Select(e => $"{e.Key} {e.Value}"))}), {result.Starts} starts, {result.MemoryGiBSeconds:F0} GiB-s, {result.WallSeconds:F1} s");
            results.Add(result);
            json.Add(new JsonObject
            {
                ["policy"] = name,
                ["calls"] = result.Calls,
                ["cold"] = result.Cold,
                ["cold_percent"] = Stats.Round(result.ColdPercent, 3),
                ["fn_cold_percent_p75"] = Stats.Round(result.FnColdPercentP75, 1),
                ["prewarmed"] = result.Prewarmed,
                ["cold_by_arrival"] = new JsonObject(result.ColdByArrival.Select(e => KeyValuePair.Create(e.Key.ToString().ToLowerInvariant(), (JsonNode?)e.Value))),
                ["failed"] = result.Failed,
                ["starts"] = result.Starts,
                ["memory_gib_seconds"] = Stats.Round(result.MemoryGiBSeconds, 0),
                ["replay_s"] = Stats.Round(result.WallSeconds, 1),
            });
        }

        var baseline = results.Single(r => r.Name == "fixed 10 min");
        var section = string.Create(CultureInfo.InvariantCulture, $"11 keep-alive, seed {seed}");
        foreach (var result in results)
        {
            var memory = result.MemoryGiBSeconds / baseline.MemoryGiBSeconds;
            var target = result.Name.StartsWith("fixed", StringComparison.Ordinal)
                ? ""
                : (result.Cold < baseline.Cold && memory <= 0.5 ? "target met" : "target missed") + " (fewer cold than fixed 10 min at <= 0.5x its memory)";
            report.Add(section, $"{result.Name}: cold starts; starts; memory",
                string.Create(CultureInfo.InvariantCulture, $"{result.Cold} of {result.Calls} ({result.ColdPercent:F2}%, p75 per fn {result.FnColdPercentP75:F0}%, {result.Prewarmed} prewarmed); {result.Starts} starts; {result.MemoryGiBSeconds:F0} GiB-s"),
                string.Create(CultureInfo.InvariantCulture, $"fixed 10 min: {baseline.Cold} cold; memory {memory:F2}x"),
                target);
        }

        var bounds = new JsonArray();
        foreach (var bound in new[] { TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(20) })
        {
            var frontier = KeepAliveBound.Frontier(trace, bound, s_boundPrices);
            var fewer = frontier.Where(p => p.Cold < baseline.Cold).DefaultIfEmpty().MinBy(p => p.Cold == 0 ? double.MaxValue : p.MemoryGiBSeconds);
            var half = frontier.Where(p => p.MemoryGiBSeconds <= 0.5 * baseline.MemoryGiBSeconds).DefaultIfEmpty().MinBy(p => p.Cold == 0 ? int.MaxValue : p.Cold);
            var name = string.Create(CultureInfo.InvariantCulture, $"hindsight bound, windows up to {bound.TotalMinutes:F0} min");
            bounds.Add(new JsonObject
            {
                ["bound_minutes"] = bound.TotalMinutes,
                ["fewer_cold_least_memory"] = Point(fewer),
                ["half_memory_fewest_cold"] = Point(half),
            });
            report.Add(section, $"{name}: least memory with fewer cold starts; fewest cold starts at half the memory",
                string.Create(CultureInfo.InvariantCulture, $"{Describe(fewer, baseline)}; {Describe(half, baseline)}"),
                string.Create(CultureInfo.InvariantCulture, $"fixed 10 min: {baseline.Cold} cold, {baseline.MemoryGiBSeconds:F0} GiB-s"),
                fewer.MemoryGiBSeconds > 0 && fewer.MemoryGiBSeconds <= 0.5 * baseline.MemoryGiBSeconds ? "reachable in hindsight" : "out of reach even in hindsight");
        }

        return new JsonObject { ["trace"] = traceJson, ["runs"] = json, ["hindsight_bounds"] = bounds };
    }

    private static JsonObject? Point(BoundPoint point) => point.Cold == 0 ? null : new JsonObject
    {
        ["price_gib_seconds"] = point.PriceGiBSeconds,
        ["cold"] = point.Cold,
        ["memory_gib_seconds"] = Stats.Round(point.MemoryGiBSeconds, 0),
        ["starts"] = point.Starts,
    };

    private static string Describe(BoundPoint point, ReplayResult baseline) => point.Cold == 0
        ? "none"
        : string.Create(CultureInfo.InvariantCulture, $"{point.Cold} cold, {point.Starts} starts, {point.MemoryGiBSeconds:F0} GiB-s ({point.MemoryGiBSeconds / baseline.MemoryGiBSeconds:F2}x) at {point.PriceGiBSeconds:F0} GiB-s per cold start");
}
