using System.Globalization;
using System.Text.Json;

namespace FnSharp.Bench;

/// <summary>One wrk run's figures (latencies in ms).</summary>
internal sealed record WrkResult(int Connections, double Seconds, long Requests, double RequestsPerSecond, double P50Ms, double P90Ms, double P99Ms, double MaxMs, long Non2xx, long SocketErrors);

/// <summary>Drives Debian's wrk with a Lua script that POSTs a body and prints its summary as JSON.</summary>
internal static class Wrk
{
    private const string Script = """
        wrk.method = "POST"
        wrk.body = os.getenv("BENCH_BODY")
        wrk.headers["Content-Type"] = "application/json"
        local authorization = os.getenv("BENCH_AUTHORIZATION")
        if authorization ~= nil and authorization ~= "" then
          wrk.headers["Authorization"] = authorization
        end
        -- BENCH_PATHS (comma-separated), when set: each request takes one of the paths at random. Not in
        -- turn: with 30 paths in turn and 3 servers in turn, each path would always meet the same server.
        paths = {}
        for path in string.gmatch(os.getenv("BENCH_PATHS") or "", "[^,]+") do paths[#paths + 1] = path end
        if #paths > 0 then
          math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000))
          request = function()
            return wrk.format(nil, paths[math.random(#paths)])
          end
        end
        done = function(summary, latency, requests)
          local e = summary.errors
          io.write(string.format('\nWRKJSON {"requests":%d,"duration_us":%d,"p50":%d,"p90":%d,"p99":%d,"max":%d,"status":%d,"socket":%d}\n',
            summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
            e.status, e.connect + e.read + e.write + e.timeout))
        end
        """;

    /// <summary>
    /// Runs wrk against <paramref name="url"/> with <paramref name="connections"/> connections for <paramref name="seconds"/> s, POSTing
    /// <paramref name="body"/>, with the header <c>Authorization: <paramref name="authorization"/></c> when set; with
    /// <paramref name="paths"/>, each request goes to one of them at random (on the URL's host).
    /// </summary>
    public static async Task<WrkResult> RunAsync(string url, int connections, int seconds, string body, CancellationToken cancellationToken, string? authorization = null, IReadOnlyList<string>? paths = null)
    {
        // Runs overlap (the noisy fn's beside the quiet fn's): each has its own script file and its own environment. One
        // shared file, written again by the next run, was read empty by a wrk starting then, which sent GETs (405) unseen.
        var script = Path.Combine(Path.GetTempPath(), $"fnsharp-bench-wrk-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(script, Script, cancellationToken);
        var environment = new Dictionary<string, string>
        {
            ["BENCH_AUTHORIZATION"] = authorization ?? "",
            ["BENCH_BODY"] = body,
            ["BENCH_PATHS"] = paths is null ? "" : string.Join(',', paths),
        };
        var threads = Math.Min(connections, 2);
        (int Code, string Output) run;
        try
        {
            run = await Shell.RunAsync("wrk", ["-t", threads.ToString(CultureInfo.InvariantCulture), "-c", connections.ToString(CultureInfo.InvariantCulture),
                "-d", seconds.ToString(CultureInfo.InvariantCulture) + "s", "--timeout", "10s", "-s", script, url], cancellationToken, environment);
        }
        finally
        {
            File.Delete(script);
        }

        var (code, output) = run;
        var line = output.Split('\n').LastOrDefault(l => l.StartsWith("WRKJSON ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"wrk printed no summary (exit {code}): {output}");
        using var json = JsonDocument.Parse(line["WRKJSON ".Length..]);
        var r = json.RootElement;
        double Ms(string name) => Stats.Round(r.GetProperty(name).GetDouble() / 1000, 3);
        var requests = r.GetProperty("requests").GetInt64();
        var duration = r.GetProperty("duration_us").GetDouble() / 1e6;
        return new WrkResult(connections, Stats.Round(duration), requests, Stats.Round(requests / duration, 1), Ms("p50"), Ms("p90"), Ms("p99"), Ms("max"),
            r.GetProperty("status").GetInt64(), r.GetProperty("socket").GetInt64());
    }
}
