#:property GenerateDocumentationFile=false
#:property AssemblyName=fnsharp-durability
#:property PublishAot=false

// Durability of detached calls across crashes (run by scripts/durability.sh): a real fnsharp-server on a free
// loopback port with its own SQLite file and node name accepts 200 detached calls, is killed with SIGKILL
// while they run and started again on the same store, five times, then runs what is left. The run fails
// (exit 1) when a call accepted with 202 is lost, does not end within the deadline or ends other than 200,
// or when a container of the node is left on the engine after the last, graceful stop.
//   dotnet run scripts/durability/DurabilityRun.cs -- --server PATH [--calls N] [--cycles N]
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

var serverPath = Arg(args, "--server") ?? throw new ArgumentException("usage: --server PATH [--calls N] [--cycles N]");
var callCount = int.Parse(Arg(args, "--calls") ?? "200", CultureInfo.InvariantCulture);
var cycles = int.Parse(Arg(args, "--cycles") ?? "5", CultureInfo.InvariantCulture);

// How long the server runs calls between two kills, and how long the last run may take to end them all.
var runBetweenKills = TimeSpan.FromSeconds(3);
var deadline = TimeSpan.FromSeconds(300);

var port = FreePort();
var dataDir = Directory.CreateTempSubdirectory("fnsharp-durability-").FullName;
var node = "durability-" + Guid.NewGuid().ToString("N")[..8];
using var log = new StreamWriter(Path.Combine(dataDir, "server.log")) { AutoFlush = true };
using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(60) };
Console.WriteLine($"durability: node {node} on 127.0.0.1:{port}, store and log in {dataDir}");

var server = await StartAsync();
var app = await (await http.PostAsJsonAsync("v2/apps", new { name = "durability" })).Content.ReadFromJsonAsync<JsonElement>();
var fn = await (await http.PostAsJsonAsync("v2/fns", new { app_id = app.GetProperty("id").GetString(), name = "sleeper", image = "fnsharp/testfn:latest" })).Content.ReadFromJsonAsync<JsonElement>();
var fnId = fn.GetProperty("id").GetString()!;

var accepted = new List<string>();
for (var i = 0; i < callCount; i++)
{
    using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"invoke/{fnId}", UriKind.Relative))
    {
        Content = new StringContent($$"""{"sleepMs":300,"body":"call {{i}}"}"""),
    };
    request.Headers.Add("Fn-Invoke-Type", "detached");
    using var response = await http.SendAsync(request);
    if (response.StatusCode != HttpStatusCode.Accepted)
    {
        throw new InvalidOperationException($"call {i} was answered {(int)response.StatusCode}, not 202: {await response.Content.ReadAsStringAsync()}");
    }

    accepted.Add(response.Headers.GetValues("Fn-Call-Id").Single());
}

Console.WriteLine($"durability: {accepted.Count} detached calls accepted (202), each sleeps 300 ms in fnsharp/testfn");
for (var cycle = 1; cycle <= cycles; cycle++)
{
    await Task.Delay(runBetweenKills);
    var (ended, _) = await EndsAsync();
    server.Kill();
    await server.WaitForExitAsync();
    Console.WriteLine($"durability: cycle {cycle}: SIGKILL with {ended} of {accepted.Count} calls ended; starting again on the same store");
    server.Dispose();
    server = await StartAsync();
}

var clock = Stopwatch.StartNew();
(int Ended, Dictionary<string, int> Outcomes) final;
while ((final = await EndsAsync()).Ended < accepted.Count && clock.Elapsed < deadline)
{
    await Task.Delay(500);
}

var attempts = new Dictionary<int, int>();
foreach (var id in accepted)
{
    if (await RecordAsync(id) is { } record && record.TryGetProperty("attempts", out var a))
    {
        attempts[a.GetInt32()] = attempts.GetValueOrDefault(a.GetInt32()) + 1;
    }
}

// SIGTERM: the server removes its containers as it stops; nothing of the node may be left.
using (var term = Process.Start("kill", ["-TERM", server.Id.ToString(CultureInfo.InvariantCulture)]))
{
    await term.WaitForExitAsync();
}

await server.WaitForExitAsync();
var left = await LeftContainersAsync(node);
Console.WriteLine($"durability: after {cycles} kills, {final.Ended} of {accepted.Count} calls ended in {clock.Elapsed.TotalSeconds:F0} s of the last run: {string.Join(", ", final.Outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Value} {o.Key}"))}");
Console.WriteLine($"durability: attempts per call: {string.Join(", ", attempts.OrderBy(a => a.Key).Select(a => $"{a.Value} with {a.Key}"))}");
Console.WriteLine($"durability: containers of node {node} left on the engine after the graceful stop: {left}");
var clean = final.Ended == accepted.Count && final.Outcomes.Keys.All(k => k == "success 200") && left == 0;
Console.WriteLine(clean ? "durability: clean (no call lost, every call answered 200, no container left)" : "durability: FAILED");
return clean ? 0 : 1;

async Task<Process> StartAsync()
{
    var info = new ProcessStartInfo(serverPath) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
    info.Environment["FN_PORT"] = port.ToString(CultureInfo.InvariantCulture);
    info.Environment["Kestrel__Endpoints__Http__Url"] = $"http://127.0.0.1:{port}";
    info.Environment["FN_DB_URL"] = "sqlite3://" + Path.Combine(dataDir, "fnsharp.db");
    info.Environment["FN_NODE_NAME"] = node;
    // Loopback only: the server runs without API keys there (it refuses to start on a public address without one).
    info.Environment["FN_LISTEN_ADDRESS"] = "127.0.0.1";
    var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start " + serverPath);
    process.OutputDataReceived += (_, e) => Log(log, e.Data);
    process.ErrorDataReceived += (_, e) => Log(log, e.Data);
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    await WaitUntilServingAsync(http, process);
    return process;
}

// How many accepted calls have ended, and their outcomes ("success 200", "error 502", "missing"...).
async Task<(int Ended, Dictionary<string, int> Outcomes)> EndsAsync()
{
    var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
    var ended = 0;
    foreach (var id in accepted)
    {
        var record = await RecordAsync(id);
        var status = record?.GetProperty("status").GetString();
        var key = record is null ? "missing" : status is "queued" or "running" ? status : $"{status} {(record.Value.TryGetProperty("status_code", out var code) && code.ValueKind == JsonValueKind.Number ? code.GetInt32() : 0)}";
        outcomes[key!] = outcomes.GetValueOrDefault(key!) + 1;
        if (record is not null && status is not ("queued" or "running"))
        {
            ended++;
        }
    }

    return (ended, outcomes);
}

async Task<JsonElement?> RecordAsync(string callId)
{
    using var response = await http.GetAsync(new Uri($"v2/fns/{fnId}/calls/{callId}", UriKind.Relative));
    return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
}

static async Task<int> LeftContainersAsync(string node)
{
    var info = new ProcessStartInfo("docker", ["ps", "-aq", "--filter", "label=io.fnsharp.node=" + node]) { RedirectStandardOutput = true };
    using var docker = Process.Start(info)!;
    var output = await docker.StandardOutput.ReadToEndAsync();
    await docker.WaitForExitAsync();
    return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
}

static string? Arg(string[] args, string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

static void Log(StreamWriter log, string? line)
{
    if (line is not null)
    {
        lock (log)
        {
            log.WriteLine(line);
        }
    }
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

static async Task WaitUntilServingAsync(HttpClient http, Process server)
{
    for (var i = 0; i < 600; i++)
    {
        if (server.HasExited)
        {
            throw new InvalidOperationException("the server exited at start");
        }

        try
        {
            using var response = await http.GetAsync(new Uri("version", UriKind.Relative));
            if (response.IsSuccessStatusCode)
            {
                return;
            }
        }
        catch (HttpRequestException)
        {
            // Not listening yet.
        }

        await Task.Delay(100);
    }

    throw new InvalidOperationException("the server did not answer within 60 s");
}
