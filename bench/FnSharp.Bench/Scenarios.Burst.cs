using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using FnSharp.Client;
using FnSharp.Core.Models;

namespace FnSharp.Bench;

/// <summary>
/// Issue 16's burst (part of <c>--scenario overload</c>): N distinct fns (1000; 200 with <c>--quick</c>) called at
/// once on a server whose wait is 10 s, each client retrying after the <c>Retry-After</c> of a 503 until answered;
/// then <c>docker run -d</c> of the same image, until its socket exists, with the server's parallelism of
/// container operations, in the same run.
/// </summary>
internal sealed partial class Scenarios
{
    /// <summary>The wait of the overload server (<c>FN_MAX_WAIT_MSECS</c>), in ms.</summary>
    public const int BurstWaitMs = 10_000;

    /// <summary>The server's container operations in flight at once (<c>FN_MAX_CONTAINER_OPS</c>'s default: 4 per CPU).</summary>
    private static int ContainerOps => 4 * Environment.ProcessorCount;

    /// <summary>The burst: first wave, every answer after retries, the start rate; then the <c>docker run -d</c> baseline.</summary>
    public async Task BurstAsync(ServerProcess server, CancellationToken cancellationToken)
    {
        var count = settings.Quick ? 200 : 1000;
        var api = new FnSharpClient(server.Http);
        var app = await api.CreateAppAsync(new App { Name = "burst" }, cancellationToken);
        var fns = new Fn[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, ct) =>
            fns[i] = await CreateFnAsync(api, app.Id, "b" + i.ToString(CultureInfo.InvariantCulture), ct));
        var startsBefore = await server.MetricAsync(StartsMetric, cancellationToken);
        var evictionsBefore = await server.MetricAsync("fnsharp_container_evictions_total", cancellationToken);
        var load = LoadAverage1();

        var firstWave = new ConcurrentBag<(int Status, bool RetryAfter)>();
        var finals = new ConcurrentBag<(int Status, bool RetryAfter)>();
        var retries = 0;
        var firstWaveSeconds = 0.0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(fns.Select(async fn =>
        {
            var (status, retryAfter) = await InvokeWithRetryAfterAsync(server.Http, fn.Id, cancellationToken);
            firstWave.Add((status, retryAfter is not null));
            InterlockedMax(ref firstWaveSeconds, watch.Elapsed.TotalSeconds);
            while (status == 503 && retryAfter?.Delta is { } after)
            {
                await Task.Delay(after, cancellationToken);
                Interlocked.Increment(ref retries);
                (status, retryAfter) = await InvokeWithRetryAfterAsync(server.Http, fn.Id, cancellationToken);
            }

            finals.Add((status, retryAfter is not null));
        }));
        var allSeconds = watch.Elapsed.TotalSeconds;
        var starts = await server.MetricAsync(StartsMetric, cancellationToken) - startsBefore;
        var evictions = await server.MetricAsync("fnsharp_container_evictions_total", cancellationToken) - evictionsBefore;
        var startRate = starts / allSeconds;
        var first = Kinds(firstWave);
        var final = Kinds(finals);
        var answeredFirst = first.GetValueOrDefault("200");
        var firstTarget = 0.8 * startRate * BurstWaitMs / 1000;
        var allTarget = (1.5 * count / startRate) + 30;

        var (dockerCount, dockerSeconds) = await DockerRunRateAsync(settings.Quick ? 24 : 96, cancellationToken);
        var dockerRate = dockerCount / dockerSeconds;

        report.Json["burst"] = new JsonObject
        {
            ["fns"] = count,
            ["wait_ms"] = BurstWaitMs,
            ["load_average_1m_at_start"] = load,
            ["first_wave"] = ToJson(first),
            ["first_wave_last_answer_s"] = Stats.Round(firstWaveSeconds),
            ["after_retries"] = ToJson(final),
            ["retries"] = retries,
            ["all_answered_s"] = Stats.Round(allSeconds),
            ["containers_started"] = starts,
            ["evictions"] = evictions,
            ["start_rate_per_s"] = Stats.Round(startRate),
            ["docker_run_d_containers"] = dockerCount,
            ["docker_run_d_parallelism"] = ContainerOps,
            ["docker_run_d_per_s"] = Stats.Round(dockerRate),
            ["load_average_1m_at_end"] = LoadAverage1(),
        };
        report.Add("9 burst", $"{count} fns at once, wait {BurstWaitMs / 1000} s: first wave", $"{answeredFirst} answered; {Describe(first)}; last answer after {F(firstWaveSeconds)} s",
            $"target: at least 0.8 x start rate x wait = {F(firstTarget, "0")}", $"load {load}");
        report.Add("9 burst", "every client retrying after Retry-After", $"{F(allSeconds)} s; {Describe(final)}; {retries} retries; {evictions} evictions",
            $"target: all within 1.5 x N / start rate + 30 s = {F(allTarget, "0")} s", "");
        report.Add("9 burst", $"start rate against `docker run -d` ({ContainerOps} in parallel, to the socket)", $"{F(startRate)} starts/s ({starts} starts)",
            $"`docker run -d`: {F(dockerRate)}/s ({dockerCount} containers)", $"ratio {F(startRate / dockerRate)}");
    }

    /// <summary>Starts <paramref name="count"/> direct containers, <see cref="ContainerOps"/> at a time, each until its socket exists; then removes them. Returns how many and the seconds taken.</summary>
    private async Task<(int Count, double Seconds)> DockerRunRateAsync(int count, CancellationToken cancellationToken)
    {
        var started = new ConcurrentBag<DirectContainer>();
        var watch = Stopwatch.StartNew();
        try
        {
            await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = ContainerOps, CancellationToken = cancellationToken }, async (_, ct) =>
                started.Add(await DirectContainer.StartAsync(settings.Image, settings.DirectLabel, ct)));
            return (count, watch.Elapsed.TotalSeconds);
        }
        finally
        {
            await Parallel.ForEachAsync(started, new ParallelOptions { MaxDegreeOfParallelism = ContainerOps }, async (container, _) => await container.DisposeAsync());
        }
    }

    private static void InterlockedMax(ref double target, double value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen)
        {
            var before = Interlocked.CompareExchange(ref target, value, seen);
            if (before == seen)
            {
                return;
            }

            seen = before;
        }
    }

    /// <summary>The machine's load average over the last minute, as <c>/proc/loadavg</c> says it.</summary>
    private static string LoadAverage1() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "";
}
