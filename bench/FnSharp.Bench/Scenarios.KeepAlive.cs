using System.Globalization;
using System.Text.Json.Nodes;
using FnSharp.Agent.Runner.KeepAlive;
using FnSharp.Bench.KeepAlive;

namespace FnSharp.Bench;

internal sealed partial class Scenarios
{
    /// <summary>The trace of the keep-alive scenario: its seed, fns, length and the most calls a day a fn is replayed with.</summary>
    public const int KeepAliveSeed = 17;
    public const int KeepAliveFns = 240;
    public const double KeepAliveMaxPerDay = 5_000;
    public static readonly TimeSpan KeepAliveLength = TimeSpan.FromHours(24);

    /// <summary>
    /// Issue 17's keep-alive evaluation: one synthetic trace (<see cref="KeepAliveTrace"/>) replayed through the real
    /// runner on a fake driver and a fake clock (<see cref="KeepAliveReplay"/>) under fixed keep-alives of 30 s, 10 min
    /// and 20 min (each fn's idle_timeout) and under the hybrid policy bounded by 10 min and by 20 min. Target: fewer
    /// cold starts than fixed 10 min at no more than half its memory-seconds.
    /// </summary>
    public async Task KeepAliveAsync(bool quick, CancellationToken cancellationToken)
    {
        var trace = KeepAliveTrace.Generate(KeepAliveSeed, quick ? 60 : KeepAliveFns, quick ? TimeSpan.FromHours(6) : KeepAliveLength, KeepAliveMaxPerDay);
        var called = trace.Calls.Select(c => c.Fn).Distinct().Count();
        var perDay = trace.Fns.Select(f => f.PerDay).ToArray();
        report.Json["keepalive_trace"] = new JsonObject
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
        ];
        var results = new List<ReplayResult>();
        var json = new JsonArray();
        foreach (var (name, policy, idleTimeout) in runs)
        {
            var result = await KeepAliveReplay.RunAsync(trace, name, policy, idleTimeout, cancellationToken);
            Console.Error.WriteLine($"bench: keepalive {name}: {result.Cold} cold of {result.Calls} calls ({string.Join(", ", result.ColdByArrival.Select(e => $"{e.Key} {e.Value}"))}), {result.MemoryGiBSeconds:F0} GiB-s, {result.WallSeconds:F1} s");
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

        report.Json["keepalive"] = json;
        var baseline = results.Single(r => r.Name == "fixed 10 min");
        foreach (var result in results)
        {
            var memory = result.MemoryGiBSeconds / baseline.MemoryGiBSeconds;
            var target = result.Name.StartsWith("hybrid", StringComparison.Ordinal)
                ? (result.Cold < baseline.Cold && memory <= 0.5 ? "target met" : "target missed") + " (fewer cold than fixed 10 min at <= 0.5x its memory)"
                : "";
            report.Add("11 keep-alive", $"{result.Name}: cold starts; memory",
                string.Create(CultureInfo.InvariantCulture, $"{result.Cold} of {result.Calls} ({result.ColdPercent:F2}%, p75 per fn {result.FnColdPercentP75:F0}%, {result.Prewarmed} prewarmed); {result.MemoryGiBSeconds:F0} GiB-s"),
                string.Create(CultureInfo.InvariantCulture, $"fixed 10 min: {baseline.Cold} cold; memory {memory:F2}x"),
                target);
        }
    }
}
