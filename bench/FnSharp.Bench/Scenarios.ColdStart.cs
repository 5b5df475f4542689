using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using FnSharp.Client;
using FnSharp.Core.Models;

namespace FnSharp.Bench;

/// <summary>Scenario 3 (issue 17): cold starts, their phases, before and after creating containers ahead, against <c>docker run</c>; containers kept hot (<c>fnsharp.io/min-hot</c>).</summary>
internal sealed partial class Scenarios
{
    // Between a fn's create and its first call: a deploy, then a call a moment later (the CLI's deploy then invoke).
    private static readonly TimeSpan DeployToCall = TimeSpan.FromSeconds(1);

    // The Engine API operations of a cold start, as fnsharp_docker_api_duration_seconds names them.
    private static readonly string[] EngineOperations = ["image_inspect", "image_pull", "container_create", "container_start", "container_logs", "container_wait", "container_inspect"];

    /// <summary>
    /// Scenario 3: the first call of a new fn (created <see cref="DeployToCall"/> before), on <paramref name="server"/>
    /// (containers created ahead, the default) and on <paramref name="before"/> (<c>FN_PRECREATE_MAX=0</c>: each cold
    /// start creates its container), alternating, beside <c>docker run --rm</c> and <c>docker run -d</c> (+ socket + call)
    /// of the same image; each call's phases from its record, the Engine API calls from <c>/metrics</c>; then a burst
    /// of fresh fns called at once against as many <c>docker run -d</c> at once. The same on <paramref name="runc"/>
    /// (<c>FN_DRIVER=runc</c>, containers created ahead) when the machine has runc.
    /// </summary>
    public async Task ColdStartAsync(ServerProcess server, ServerProcess before, ServerProcess? runc, CancellationToken cancellationToken)
    {
        var images = new JsonObject();
        foreach (var image in (string[])[settings.Image, NodeImage])
        {
            if (image == NodeImage && (await Shell.RunAsync("docker", ["image", "inspect", image], cancellationToken)).ExitCode != 0)
            {
                images[image] = "not on this machine (scripts/build-images.sh hello-node builds it)";
                continue;
            }

            images[image] = await ColdStartOfAsync(image, Servers(server, before, runc), cancellationToken);
        }

        report.Json["cold_start"] = new JsonObject
        {
            ["method"] = $"a fresh fn per call, created {DeployToCall.TotalSeconds} s before it; 'before' is a server with FN_PRECREATE_MAX=0, 'after' the default, 'runc' the default with FN_DRIVER=runc{(runc is null ? " (not run: no runc or not root)" : string.Empty)}; rounds alternate",
            ["images"] = images,
            ["burst"] = await BurstAsync(Servers(server, before, runc), cancellationToken),
            ["min_hot"] = await MinHotAsync(runc is null ? [("docker", server)] : [("docker", server), ("runc", runc)], cancellationToken),
        };
    }

    /// <summary>
    /// <c>fnsharp.io/min-hot: 2</c> (issue 17's target): on each server (containers created ahead, the default), a fresh
    /// fn with the annotation, then <see cref="DeployToCall"/> later 2 calls at once; the start kind of each from its
    /// record. Repeated <c>ColdRepeats</c> times; each fn is deleted after its round, so that its hot containers do not
    /// hold the node's memory for the next.
    /// </summary>
    private async Task<JsonObject> MinHotAsync((string Name, ServerProcess Server)[] servers, CancellationToken cancellationToken)
    {
        const int minHot = 2;
        var json = new JsonObject { ["min_hot"] = minHot, ["concurrent_calls"] = minHot, ["deploy_to_call_s"] = DeployToCall.TotalSeconds, ["rounds"] = settings.ColdRepeats };
        foreach (var (name, server) in servers)
        {
            var api = new FnSharpClient(server.Http);
            var app = await api.CreateAppAsync(new App { Name = "min-hot" }, cancellationToken);
            var kinds = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < settings.ColdRepeats; i++)
            {
                var fn = await api.CreateFnAsync(
                    new Fn
                    {
                        Name = "h" + i.ToString(CultureInfo.InvariantCulture),
                        AppId = app.Id,
                        Image = settings.Image,
                        Memory = FnMemoryMiB,
                        Timeout = 30,
                        Annotations = new Dictionary<string, System.Text.Json.JsonElement> { ["fnsharp.io/min-hot"] = System.Text.Json.JsonSerializer.SerializeToElement(minHot) },
                    },
                    cancellationToken);
                await Task.Delay(DeployToCall, cancellationToken);
                var callIds = await Task.WhenAll(Enumerable.Range(0, minHot).Select(_ => InvokeForCallIdAsync(server.Http, fn.Id, cancellationToken)));
                foreach (var callId in callIds)
                {
                    var kind = callId is null ? "failed" : await StartKindAsync(api, fn.Id, callId, cancellationToken) ?? "unrecorded";
                    kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
                }

                await api.DeleteFnAsync(fn.Id, cancellationToken);
            }

            var calls = minHot * settings.ColdRepeats;
            var hot = kinds.GetValueOrDefault(CallStartKinds.Prewarmed) + kinds.GetValueOrDefault(CallStartKinds.Warm);
            json[name] = new JsonObject([.. kinds.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => new KeyValuePair<string, JsonNode?>(k.Key, k.Value))]);
            report.Add("3 cold start", $"`fnsharp.io/min-hot: {minHot}`, {minHot} calls at once {DeployToCall.TotalSeconds} s after the create, {name}", $"{hot} of {calls} prewarmed or warm, {kinds.GetValueOrDefault(CallStartKinds.Cold)} cold",
                string.Join(", ", kinds.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key} {k.Value}")), "target: none cold");
        }

        return json;
    }

    /// <summary>One invoke of <see cref="Body"/>; the call's id when it answered 2xx, else <see langword="null"/>.</summary>
    private static async Task<string?> InvokeForCallIdAsync(HttpClient http, string fnId, CancellationToken cancellationToken)
    {
        using var content = new StringContent(Body, System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("invoke/" + fnId, content, cancellationToken);
        await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return response.IsSuccessStatusCode && response.Headers.TryGetValues("Fn-Call-Id", out var ids) ? ids.First() : null;
    }

    // The servers of the scenario, by the name of their row.
    private static (string Name, ServerProcess Server)[] Servers(ServerProcess after, ServerProcess before, ServerProcess? runc) =>
        runc is null ? [("before", before), ("after", after)] : [("before", before), ("after", after), ("runc", runc)];

    private async Task<JsonObject> ColdStartOfAsync(string image, (string Name, ServerProcess Server)[] servers, CancellationToken cancellationToken)
    {
        var node = image == NodeImage;
        var runs = servers.ToDictionary(s => s.Name, _ => new List<(double Ms, IReadOnlyDictionary<string, long>? Phases)>(), StringComparer.Ordinal);
        var engineCalls = servers.ToDictionary(s => s.Name, _ => new Dictionary<string, double>(StringComparer.Ordinal), StringComparer.Ordinal);
        var dockerRm = new List<double>();
        var dockerD = new List<double>();
        var dockerDAnswer = new List<double>();
        var apps = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, server) in servers)
        {
            apps[name] = (await new FnSharpClient(server.Http).CreateAppAsync(new App { Name = "cold-" + (node ? "node" : "cs") }, cancellationToken)).Id;
        }

        for (var i = 0; i < settings.ColdRepeats; i++)
        {
            foreach (var (name, server) in servers)
            {
                var api = new FnSharpClient(server.Http);
                var fn = await CreateFnAsync(api, apps[name], $"c{i}", cancellationToken, image);
                await Task.Delay(DeployToCall, cancellationToken);
                var engineBefore = await EngineCountsAsync(server, cancellationToken);
                var watch = Stopwatch.StartNew();
                using var content = new StringContent(Body, System.Text.Encoding.UTF8, "application/json");
                using var response = await server.Http.PostAsync("invoke/" + fn.Id, content, cancellationToken);
                await response.Content.ReadAsByteArrayAsync(cancellationToken);
                var ms = watch.Elapsed.TotalMilliseconds;
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"cold call of {image} answered {(int)response.StatusCode}");
                }

                var engineAfter = await EngineCountsAsync(server, cancellationToken);
                foreach (var op in EngineOperations)
                {
                    engineCalls[name][op] = engineCalls[name].GetValueOrDefault(op) + engineAfter[op] - engineBefore[op];
                }

                var callId = response.Headers.TryGetValues("Fn-Call-Id", out var ids) ? ids.First() : null;
                runs[name].Add((ms, callId is null ? null : await PhasesAsync(api, fn.Id, callId, cancellationToken)));
            }

            var rm = Stopwatch.StartNew();
            string[] runArgs = node
                ? ["run", "--rm", "--label", settings.DirectLabel, "--entrypoint", "node", image, "-e", "0"]
                : ["run", "--rm", "--label", settings.DirectLabel, "-e", "TESTFN_EXIT_AT_START=0", image];
            var (code, output) = await Shell.RunAsync("docker", runArgs, cancellationToken);
            dockerRm.Add(rm.Elapsed.TotalMilliseconds);
            if (code != 0)
            {
                throw new InvalidOperationException("docker run failed: " + output);
            }

            var d = Stopwatch.StartNew();
            await using (var direct = await DirectContainer.StartAsync(image, settings.DirectLabel, cancellationToken))
            {
                await direct.CallAsync(Body, cancellationToken);
                dockerDAnswer.Add(d.Elapsed.TotalMilliseconds);
                dockerD.Add(direct.RunMs);
            }
        }

        var rmP50 = Stats.Percentile(dockerRm, 50);
        var json = new JsonObject
        {
            ["repeats"] = settings.ColdRepeats,
            ["docker_run_rm_ms"] = Samples(dockerRm),
            ["docker_run_d_ms"] = Samples(dockerD),
            ["docker_run_d_to_first_answer_ms"] = Samples(dockerDAnswer),
        };
        var label = node ? "Node FDK" : "C# testfn";
        foreach (var (name, samples) in runs)
        {
            var p50 = Stats.Percentile([.. samples.Select(s => s.Ms)], 50);
            var phases = new JsonObject();
            foreach (var phase in (string[])["pull", "create", "start", "ready"])
            {
                var values = samples.Where(s => s.Phases?.ContainsKey(phase) == true).Select(s => (double)s.Phases![phase]).ToList();
                if (values.Count > 0)
                {
                    phases[phase] = Stats.Percentile(values, 50);
                }
            }

            // The rest of the first call: the server's path and the call itself in the started container.
            var withPhases = samples.Where(s => s.Phases is not null).ToList();
            phases["first_answer_rest"] = Stats.Round(Stats.Percentile([.. withPhases.Select(s => s.Ms - s.Phases!.Values.Sum())], 50));
            var perCall = new JsonObject();
            foreach (var (op, total) in engineCalls[name])
            {
                perCall[op] = Stats.Round(total / settings.ColdRepeats, 2);
            }

            json[name] = new JsonObject
            {
                ["first_call_ms"] = Samples([.. samples.Select(s => s.Ms)]),
                ["p50_ms"] = Stats.Round(p50),
                ["phases_p50_ms"] = phases,
                ["engine_api_calls_per_cold_call"] = perCall,
                ["ratio_to_docker_run_rm"] = Stats.Round(p50 / rmP50, 3),
            };
            report.Add("3 cold start", $"{label}, first call of a new fn, {name} (p50)", $"{F(p50, "0")} ms; phases {Describe(phases)}",
                $"`docker run --rm`: {F(rmP50, "0")} ms; `docker run -d`: {F(Stats.Percentile(dockerD, 50), "0")} ms, + socket + call: {F(Stats.Percentile(dockerDAnswer, 50), "0")} ms",
                $"ratio {F(p50 / rmP50)}" + (name is "after" or "runc" ? " (target <= 0.5)" : ""));
        }

        return json;
    }

    /// <summary>
    /// A burst: as many fresh fns as <c>FN_PRECREATE_MAX</c> holds by default (16), created, then called all at once,
    /// on each server; against 16 <c>docker run -d</c> at once of the same image. Starts per second = fns answered / seconds.
    /// </summary>
    private async Task<JsonObject> BurstAsync((string Name, ServerProcess Server)[] servers, CancellationToken cancellationToken)
    {
        const int parallelism = 16;
        var json = new JsonObject { ["parallelism"] = parallelism };
        var rates = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, server) in servers)
        {
            var api = new FnSharpClient(server.Http);
            var app = await api.CreateAppAsync(new App { Name = "burst" }, cancellationToken);
            var fns = new List<Fn>();
            for (var i = 0; i < parallelism; i++)
            {
                fns.Add(await CreateFnAsync(api, app.Id, "b" + i.ToString(CultureInfo.InvariantCulture), cancellationToken));
            }

            await Task.Delay(DeployToCall, cancellationToken);
            var watch = Stopwatch.StartNew();
            var outcomes = await Task.WhenAll(fns.Select(fn => InvokeAsync(server.Http, fn.Id, cancellationToken)));
            var seconds = watch.Elapsed.TotalSeconds;
            var answered = outcomes.Count(o => o.Status == 200);
            rates[name] = answered / seconds;
            json[name] = new JsonObject { ["seconds"] = Stats.Round(seconds, 3), ["answered"] = answered, ["starts_per_s"] = Stats.Round(rates[name]) };
        }

        var docker = Stopwatch.StartNew();
        var runs = await Task.WhenAll(Enumerable.Range(0, parallelism).Select(_ => Shell.RunAsync("docker", ["run", "-d", "--label", settings.DirectLabel, "-e", "TESTFN_EXIT_AT_START=0", settings.Image], cancellationToken)));
        var dockerSeconds = docker.Elapsed.TotalSeconds;
        var dockerRate = runs.Count(r => r.ExitCode == 0) / dockerSeconds;
        await Shell.RunAsync("docker", ["rm", "-f", .. runs.Where(r => r.ExitCode == 0).Select(r => r.Output.Trim())], CancellationToken.None);
        json["docker_run_d"] = new JsonObject { ["seconds"] = Stats.Round(dockerSeconds, 3), ["started"] = runs.Count(r => r.ExitCode == 0), ["starts_per_s"] = Stats.Round(dockerRate) };
        foreach (var (name, rate) in rates)
        {
            json[name + "_ratio_to_docker_run_d"] = Stats.Round(rate / dockerRate, 3);
            report.Add("3 cold start", $"burst of {parallelism} fresh fns at once, {name}", $"{F(rate, "0.0")} starts/s (to first answers)",
                $"{parallelism} `docker run -d` at once: {F(dockerRate, "0.0")}/s", $"ratio {F(rate / dockerRate)}" + (name is "after" or "runc" ? " (target >= 2)" : ""));
        }

        return json;
    }

    private static JsonArray Samples(IEnumerable<double> values) => new([.. values.Select(v => (JsonNode?)Stats.Round(v))]);

    private static string Describe(JsonObject phases) => string.Join(", ", phases.Select(p => $"{p.Key} {p.Value}"));

    /// <summary>The count of each Engine API operation of the cold path the server has made so far.</summary>
    private static async Task<Dictionary<string, double>> EngineCountsAsync(ServerProcess server, CancellationToken cancellationToken)
    {
        var text = await server.Http.GetStringAsync("metrics", cancellationToken);
        return EngineOperations.ToDictionary(op => op, op => PrometheusText.Sum(text, "fnsharp_docker_api_duration_seconds_count", $"operation=\"{op}\""), StringComparer.Ordinal);
    }

    /// <summary>The call's <c>start_phases_ms</c> from its record, written behind the call path (waited for up to 5 s).</summary>
    private static async Task<IReadOnlyDictionary<string, long>?> PhasesAsync(FnSharpClient api, string fnId, string callId, CancellationToken cancellationToken) =>
        (await RecordAsync(api, fnId, callId, cancellationToken))?.StartPhasesMs;

    /// <summary>The call's <c>start_kind</c> from its record.</summary>
    private static async Task<string?> StartKindAsync(FnSharpClient api, string fnId, string callId, CancellationToken cancellationToken) =>
        (await RecordAsync(api, fnId, callId, cancellationToken))?.StartKind;

    /// <summary>The call's record, written behind the call path (waited for up to 5 s); <see langword="null"/> when it is not there by then.</summary>
    private static async Task<Call?> RecordAsync(FnSharpClient api, string fnId, string callId, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 50; i++)
        {
            try
            {
                return await api.GetCallAsync(fnId, callId, cancellationToken);
            }
            catch (FnApiException)
            {
                // Not written yet.
            }

            await Task.Delay(100, cancellationToken);
        }

        return null;
    }
}
