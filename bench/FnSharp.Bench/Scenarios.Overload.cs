using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using FnSharp.Client;
using FnSharp.Core.Models;

namespace FnSharp.Bench;

/// <summary>
/// Issue 16's scenarios (scenario 9, <c>--scenario overload</c>): saturation of a fast fn (the C# test
/// function and the Node FDK function) at 1, 16, 64 and 256 connections, a fn that sleeps 200 ms at 64
/// connections, a quiet fn beside a noisy one, and 100 warm fns called round-robin against one fn.
/// </summary>
internal sealed partial class Scenarios
{
    private const string NodeImage = "fnsharp/hello-node:latest";

    /// <summary>Scenario 9: goodput under overload.</summary>
    public async Task OverloadAsync(ServerProcess server, CancellationToken cancellationToken)
    {
        var api = new FnSharpClient(server.Http);
        var app = await api.CreateAppAsync(new App { Name = "overload" }, cancellationToken);
        var json = new JsonObject();
        report.Json["overload"] = json;

        foreach (var (label, image, body) in new[] { ("csharp", settings.Image, "{}"), ("node", NodeImage, """{"name":"bench"}""") })
        {
            var levels = new JsonArray();
            var rates = new List<(int Connections, double Rps, double P99, double Starts, string Load)>();
            foreach (var connections in new[] { 1, 16, 64, 256 })
            {
                var fn = await api.CreateFnAsync(new Fn { Name = $"sat-{label}-{connections}", AppId = app.Id, Image = image, Memory = FnMemoryMiB, Timeout = 30 }, cancellationToken);
                await InvokeAsync(server.Http, fn.Id, cancellationToken, body);
                var startsBefore = await server.MetricAsync(StartsMetric, cancellationToken);
                var run = await Wrk.RunAsync($"http://127.0.0.1:{server.Port}/invoke/{fn.Id}", connections, settings.WrkSeconds, body, cancellationToken);
                var starts = await server.MetricAsync(StartsMetric, cancellationToken) - startsBefore + 1;
                var load = LoadAverage1();
                rates.Add((connections, run.RequestsPerSecond, run.P99Ms, starts, load));
                var level = ToJson(run);
                level["containers"] = starts;
                level["load_average_1m"] = load;
                levels.Add(level);
            }

            json["saturation_" + label] = levels;
            var best = rates.Max(r => r.Rps);
            foreach (var (connections, rps, p99, starts, load) in rates)
            {
                report.Add($"9 saturation ({label})", $"{connections} connections", $"{F(rps, "0")} req/s ({F(rps / best)}x best); p99 {F(p99)} ms; {starts} containers",
                    $"load {load}", connections >= 64 ? "target: at least 0.9x the best level" : "");
            }
        }

        // Warmed by a first run of the same length, so that the measured run sees its containers grown.
        var sleeper = await CreateFnAsync(api, app.Id, "sleep-200", cancellationToken);
        await Wrk.RunAsync($"http://127.0.0.1:{server.Port}/invoke/{sleeper.Id}", 64, settings.WrkSeconds, """{"sleepMs":200}""", cancellationToken);
        var sleepRun = await Wrk.RunAsync($"http://127.0.0.1:{server.Port}/invoke/{sleeper.Id}", 64, settings.WrkSeconds, """{"sleepMs":200}""", cancellationToken);
        json["sleep_200ms_64_connections"] = ToJson(sleepRun);
        report.Add("9 waiting fn", "sleeps 200 ms, 64 connections", $"{F(sleepRun.RequestsPerSecond, "0")} req/s; p99 {F(sleepRun.P99Ms)} ms", "target: 0.8 x 64 / 0.2 s = 256 req/s", $"load {LoadAverage1()}");

        var quiet = await CreateFnAsync(api, app.Id, "quiet", cancellationToken);
        var noisy = await CreateFnAsync(api, app.Id, "noisy", cancellationToken);
        await InvokeAsync(server.Http, quiet.Id, cancellationToken, "{}");
        await InvokeAsync(server.Http, noisy.Id, cancellationToken, "{}");
        var alone = await Wrk.RunAsync($"http://127.0.0.1:{server.Port}/invoke/{quiet.Id}", 1, settings.WrkSeconds, "{}", cancellationToken);
        var noise = Wrk.RunAsync($"http://127.0.0.1:{server.Port}/invoke/{noisy.Id}", 64, settings.WrkSeconds + 2, "{}", cancellationToken);
        var beside = await Wrk.RunAsync($"http://127.0.0.1:{server.Port}/invoke/{quiet.Id}", 1, settings.WrkSeconds, "{}", cancellationToken);
        var noisyRun = await noise;
        json["quiet_alone"] = ToJson(alone);
        json["quiet_beside_noisy"] = ToJson(beside);
        json["noisy"] = ToJson(noisyRun);
        report.Add("9 fairness", "quiet fn p99 at 1 connection, beside a noisy fn at 64", $"{F(beside.P99Ms)} ms ({F(beside.P99Ms / alone.P99Ms)}x alone)", $"alone: {F(alone.P99Ms)} ms", $"target: within 3x; load {LoadAverage1()}");

        // An idle timeout longer than the warm-up, so that no container of the 100 idles out before the runs.
        var many = new Fn[100];
        await Parallel.ForAsync(0, many.Length, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            many[i] = await api.CreateFnAsync(new Fn { Name = "rr-" + i.ToString(CultureInfo.InvariantCulture), AppId = app.Id, Image = settings.Image, Memory = FnMemoryMiB, Timeout = 30, IdleTimeout = 900 }, ct);
            await InvokeAsync(server.Http, many[i].Id, ct, "{}");
        });

        foreach (var concurrency in new[] { 4, 16 })
        {
            var one = await RoundRobinAsync(server.Http, [many[0].Id], concurrency, cancellationToken);
            var all = await RoundRobinAsync(server.Http, [.. many.Select(f => f.Id)], concurrency, cancellationToken);
            json[$"round_robin_{concurrency}"] = new JsonObject { ["one_fn_rps"] = Stats.Round(one), ["hundred_fns_rps"] = Stats.Round(all) };
            report.Add("9 many warm fns", $"100 fns round-robin, {concurrency} connections", $"{F(all, "0")} req/s ({F(all / one)}x one fn)", $"one fn: {F(one, "0")} req/s", $"target: at least 0.5x; load {LoadAverage1()}");
        }
    }

    /// <summary>Calls <paramref name="fnIds"/> in turn from <paramref name="concurrency"/> callers for the wrk duration; answered calls per second.</summary>
    private async Task<double> RoundRobinAsync(HttpClient http, IReadOnlyList<string> fnIds, int concurrency, CancellationToken cancellationToken)
    {
        var duration = TimeSpan.FromSeconds(settings.WrkSeconds);
        var watch = Stopwatch.StartNew();
        var next = -1;
        var ok = 0;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (watch.Elapsed < duration)
            {
                var i = Interlocked.Increment(ref next);
                var (status, _) = await InvokeAsync(http, fnIds[i % fnIds.Count], cancellationToken, "{}");
                if (status == 200)
                {
                    Interlocked.Increment(ref ok);
                }
            }
        }));
        return ok / watch.Elapsed.TotalSeconds;
    }
}
