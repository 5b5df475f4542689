#:property GenerateDocumentationFile=false
#:property AssemblyName=fnsharp-hostile
#:property PublishAot=false

// Hostile requests against a real fnsharp-server (run by scripts/hostile.sh): about 2,200 requests in
// thirteen categories, each on its own connection over a raw socket, and a table of the answers by
// status. The run fails (exit 1) when any answer is a 500, when any request gets no answer and no
// close within the deadline (a hang), or when the server stops answering afterwards.
//   dotnet run scripts/hostile/HostileRequests.cs -- --server PATH [--seed N]
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

var serverPath = Arg(args, "--server") ?? throw new ArgumentException("usage: --server PATH [--seed N]");
var seed = int.Parse(Arg(args, "--seed") ?? "15", CultureInfo.InvariantCulture);

// Past every limit the server has (headers 10 s, two body windows of 10 s, a drain of 5 s): no answer by then is a hang.
var deadline = TimeSpan.FromSeconds(60);

var port = FreePort();
var dataDir = Directory.CreateTempSubdirectory("fnsharp-hostile-").FullName;
var node = "hostile-" + Guid.NewGuid().ToString("N")[..8];
var info = new ProcessStartInfo(serverPath) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
info.Environment["FN_PORT"] = port.ToString(CultureInfo.InvariantCulture);
info.Environment["Kestrel__Endpoints__Http__Url"] = $"http://127.0.0.1:{port}";
info.Environment["FN_DB_URL"] = "sqlite3://" + Path.Combine(dataDir, "fnsharp.db");
info.Environment["FN_NODE_NAME"] = node;
// Loopback only: the server runs without API keys there (it refuses to start on a public address without one).
info.Environment["FN_LISTEN_ADDRESS"] = "127.0.0.1";
using var server = Process.Start(info) ?? throw new InvalidOperationException("cannot start " + serverPath);
var log = new StreamWriter(Path.Combine(dataDir, "server.log")) { AutoFlush = true };
server.OutputDataReceived += (_, e) => Log(log, e.Data);
server.ErrorDataReceived += (_, e) => Log(log, e.Data);
server.BeginOutputReadLine();
server.BeginErrorReadLine();
using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(60) };
var exitCode = 1;
try
{
    await WaitUntilServingAsync(http, server);
    Console.WriteLine($"hostile: server on 127.0.0.1:{port}, node {node}, log {dataDir}/server.log");
    var app = await (await http.PostAsJsonAsync("v2/apps", new { name = "hostile" })).Content.ReadFromJsonAsync<JsonElement>();
    var appId = app.GetProperty("id").GetString()!;
    var fn = await (await http.PostAsJsonAsync("v2/fns", new { app_id = appId, name = "echo", image = "fnsharp/testfn:latest" })).Content.ReadFromJsonAsync<JsonElement>();
    var fnId = fn.GetProperty("id").GetString()!;
    await http.PostAsJsonAsync("v2/triggers", new { app_id = appId, fn_id = fnId, name = "echo", type = "http", source = "/echo" });
    using (var warm = await http.PostAsync(new Uri($"invoke/{fnId}", UriKind.Relative), new StringContent("""{"body":"warm"}""")))
    {
        Console.WriteLine($"hostile: fn {fnId} answers {(int)warm.StatusCode} to a well-formed call");
    }

    var cases = HostileCases.All(appId, fnId, new Random(seed));
    var rssBefore = Rss(server.Id);
    var peakRss = rssBefore;
    using var sampling = new CancellationTokenSource();
    var sampler = Task.Run(async () =>
    {
        while (!sampling.IsCancellationRequested)
        {
            peakRss = Math.Max(peakRss, Rss(server.Id));
            await Task.Delay(250, CancellationToken.None);
        }
    });
    var started = Stopwatch.StartNew();
    var outcomes = new ConcurrentBag<(string Category, string Outcome, string Case)>();

    // Slow cases (stalled bodies, slowloris) all at once, as an attack would; the others 32 at a time.
    using var fast = new SemaphoreSlim(32);
    await Task.WhenAll(cases.Select(async c =>
    {
        var slow = c.Category is "stalled-bodies" or "slowloris";
        if (!slow)
        {
            await fast.WaitAsync();
        }

        try
        {
            outcomes.Add((c.Category, await RunAsync(port, c, deadline), c.Name));
        }
        finally
        {
            if (!slow)
            {
                fast.Release();
            }
        }
    }));
    await sampling.CancelAsync();
    await sampler;
    var elapsed = started.Elapsed;

    using var after = await http.GetAsync(new Uri("version", UriKind.Relative));
    using var call = await http.PostAsync(new Uri($"invoke/{fnId}", UriKind.Relative), new StringContent("""{"body":"after"}"""));
    var rssAfter = Rss(server.Id);

    var statuses = outcomes.Select(o => o.Outcome).Distinct().Order(StringComparer.Ordinal).ToList();
    Console.WriteLine();
    Console.WriteLine($"| category | requests | {string.Join(" | ", statuses)} |");
    Console.WriteLine($"|---|---:|{string.Concat(statuses.Select(_ => "---:|"))}");
    foreach (var group in outcomes.GroupBy(o => o.Category).OrderBy(g => g.Key, StringComparer.Ordinal))
    {
        Console.WriteLine($"| {group.Key} | {group.Count()} | {string.Join(" | ", statuses.Select(s => Cell(group.Count(o => o.Outcome == s))))} |");
    }

    Console.WriteLine($"| **all** | {outcomes.Count} | {string.Join(" | ", statuses.Select(s => Cell(outcomes.Count(o => o.Outcome == s))))} |");
    Console.WriteLine();
    Console.WriteLine($"hostile: {outcomes.Count} requests in {elapsed.TotalSeconds:F0} s; server memory (RSS) {rssBefore / 1048576} MiB before, {peakRss / 1048576} MiB at most, {rssAfter / 1048576} MiB after");
    Console.WriteLine($"hostile: afterwards /version answers {(int)after.StatusCode} and the fn {(int)call.StatusCode} {await call.Content.ReadAsStringAsync()}");
    await File.WriteAllLinesAsync(Path.Combine(dataDir, "outcomes.tsv"), outcomes.OrderBy(o => o.Category, StringComparer.Ordinal).Select(o => $"{o.Category}\t{o.Outcome}\t{o.Case}"));
    Console.WriteLine($"hostile: each request's answer in {dataDir}/outcomes.tsv");
    var bad = outcomes.Where(o => o.Outcome is "500" or "hang").ToList();
    foreach (var (category, outcome, name) in bad.Take(20))
    {
        Console.WriteLine($"hostile: {outcome} for {category} {name}");
    }

    exitCode = bad.Count == 0 && after.IsSuccessStatusCode && call.IsSuccessStatusCode && !server.HasExited ? 0 : 1;
    Console.WriteLine(exitCode == 0 ? "hostile: no 500, no hang, still serving" : $"hostile: FAILED ({bad.Count} answers were 500 or hangs)");
}
finally
{
    if (!server.HasExited)
    {
        // SIGTERM: the server removes its containers as it stops.
        using (var kill = Process.Start("kill", ["-TERM", server.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await server.WaitForExitAsync(stopping.Token);
    }
}

return exitCode;

static string Cell(int count) => count == 0 ? "" : count.ToString(CultureInfo.InvariantCulture);

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

static long Rss(int pid)
{
    try
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
    catch (IOException)
    {
        return 0;
    }
}

static async Task WaitUntilServingAsync(HttpClient http, Process server)
{
    for (var i = 0; i < 300; i++)
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

    throw new InvalidOperationException("the server did not answer within 30 s");
}

// One request on its own connection: its bytes written (slowly, for some), the first final answer
// read. The outcome is the status, "closed" or "reset" when the connection ended without one, or
// "hang" when neither came within the deadline.
static async Task<string> RunAsync(int port, HostileCase hostile, TimeSpan deadline)
{
    using var client = new TcpClient();
    using var timeout = new CancellationTokenSource(hostile.Deadline ?? deadline);
    try
    {
        await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
    }
    catch (SocketException)
    {
        return "refused";
    }

    var stream = client.GetStream();
    var reading = ReadStatusAsync(stream, timeout.Token);
    try
    {
        await hostile.Send(stream, timeout.Token);
    }
    catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
    {
        // The server answered and closed before everything was sent: its answer is what counts.
    }

    try
    {
        return await reading;
    }
    catch (OperationCanceledException)
    {
        return "hang";
    }
}

static async Task<string> ReadStatusAsync(NetworkStream stream, CancellationToken cancellationToken)
{
    var received = new List<byte>();
    var buffer = new byte[8192];
    while (true)
    {
        int read;
        try
        {
            read = await stream.ReadAsync(buffer, cancellationToken);
        }
        catch (IOException)
        {
            return received.Count == 0 ? "reset" : "reset-mid-answer";
        }

        if (read == 0)
        {
            return received.Count == 0 ? "closed" : "closed-mid-answer";
        }

        received.AddRange(buffer.AsSpan(0, read));
        if (received.Count >= 5 && !received.Take(5).SequenceEqual("HTTP/"u8.ToArray()))
        {
            // Not HTTP/1 (Kestrel's HTTP/2 GOAWAY to a preface, say): whatever it is, the connection ends.
            return "not-http";
        }

        var text = Encoding.Latin1.GetString([.. received]);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            continue;
        }

        var status = text.Split(' ', 3) is [_, var code, ..] ? code : "?";
        if (status.StartsWith('1'))
        {
            // An interim 100 Continue: the final answer follows.
            received.RemoveRange(0, end + 4);
            continue;
        }

        return status;
    }
}

/// <summary>
/// One hostile request: its category, a short name, how its bytes are written, and how long it may
/// wait for an answer or a close (the run's deadline unless set).
/// </summary>
internal sealed record HostileCase(string Category, string Name, Func<Stream, CancellationToken, Task> Send)
{
    public TimeSpan? Deadline { get; init; }
}

/// <summary>The requests, by category, on the app, fn and trigger made for the run.</summary>
internal static class HostileCases
{
    public static List<HostileCase> All(string appId, string fnId, Random random)
    {
        var paths = new[] { "/v2/apps", "/v2/fns", "/v2/triggers", $"/v2/apps/{appId}", $"/v2/fns/{fnId}", $"/invoke/{fnId}", "/t/hostile/echo", "/version" };
        var cases = new List<HostileCase>();
        cases.AddRange(Chunking(paths, fnId));
        cases.AddRange(HugeHeaders(paths, random));
        cases.AddRange(ManyHeaders(paths, random));
        cases.AddRange(StalledBodies(appId, fnId, random));
        cases.AddRange(BogusExpect(paths, random));
        cases.AddRange(InvalidMethods(paths, random));
        cases.AddRange(OversizedBodies(fnId, random));
        cases.AddRange(Slowloris(random));
        cases.AddRange(InvalidJson(appId, fnId));
        cases.AddRange(InvalidUtf8(appId, fnId));
        cases.AddRange(PathTricks(appId, fnId, random));
        cases.AddRange(Framing(paths, random));
        cases.AddRange(Garbage(random));
        return cases;
    }

    private static IEnumerable<HostileCase> Chunking(string[] paths, string fnId)
    {
        string[] sizes = ["80000000", "ffffffff", "ffffffffffffffff", "7fffffff0", "100000000000000000000", "-1", "zz", "0x10", " 5", "5 ", "5;ext", "5;" + new string('e', 10000), "5\n", "", "\u00ff", "1e3", "+5", "05", "5;a=\"b\"", "FFFFFFFFFFFFFFFFF0"];
        string[] tails = ["abc", "abcde\r\n0\r\n\r\n", "abcdefghij\r\n0\r\n\r\n", "abcde\r\n0\r\nX-Trailer: " + new string('t', 20000) + "\r\n\r\n", "abcdeXX0\r\n\r\n"];
        var targets = new[] { "/v2/apps", $"/invoke/{fnId}", "/t/hostile/echo", paths[3] };
        var i = 0;
        foreach (var size in sizes)
        {
            foreach (var tail in tails)
            {
                var path = targets[i++ % targets.Length];
                var method = path.StartsWith("/v2/apps/", StringComparison.Ordinal) ? "PUT" : "POST";
                yield return Bytes("malformed-chunking", $"{method} {path} chunk '{Short(size)}' tail {tail.Length}", $"{method} {path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n{size}\r\n{tail}");
                yield return Bytes("malformed-chunking", $"{method} {path} many tiny chunks then '{Short(size)}'", $"{method} {path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n{string.Concat(Enumerable.Repeat("1\r\na\r\n", 500))}{size}\r\n{tail}");
            }
        }
    }

    private static IEnumerable<HostileCase> HugeHeaders(string[] paths, Random random)
    {
        for (var i = 0; i < 200; i++)
        {
            var size = (i % 4) switch
            {
                0 => random.Next(12 * 1024, 32 * 1024),
                1 => 32 * 1024,
                2 => random.Next(64 * 1024, 1024 * 1024),
                _ => random.Next(8 * 1024, 12 * 1024),
            };
            var path = paths[i % paths.Length];
            var name = i % 3 == 0 ? "Cookie" : "X-Big";
            yield return Bytes("huge-headers", $"POST {path} {name} of {size} bytes", $"POST {path} HTTP/1.1\r\nHost: x\r\n{name}: {new string((char)('a' + (i % 26)), size)}\r\nContent-Length: 2\r\n\r\n{{}}");
        }
    }

    private static IEnumerable<HostileCase> ManyHeaders(string[] paths, Random random)
    {
        for (var i = 0; i < 200; i++)
        {
            var count = i % 4 == 3 ? random.Next(90, 100) : random.Next(101, 20_000);
            var path = paths[i % paths.Length];
            var headers = new StringBuilder();
            for (var h = 0; h < count; h++)
            {
                headers.Append(CultureInfo.InvariantCulture, $"X-H{h}: v\r\n");
            }

            yield return Bytes("many-headers", $"POST {path} with {count} headers", $"POST {path} HTTP/1.1\r\nHost: x\r\n{headers}Content-Length: 2\r\n\r\n{{}}");
        }
    }

    private static IEnumerable<HostileCase> StalledBodies(string appId, string fnId, Random random)
    {
        var targets = new[]
        {
            ("POST", "/v2/apps", ""), ("PUT", $"/v2/apps/{appId}", ""), ("POST", "/v2/fns", ""), ("POST", "/v2/triggers", ""),
            ("POST", $"/invoke/{fnId}", ""), ("POST", $"/invoke/{fnId}", "Fn-Invoke-Type: detached\r\n"), ("POST", "/t/hostile/echo", ""),
        };
        for (var i = 0; i < 100; i++)
        {
            var (method, path, extra) = targets[i % targets.Length];
            var length = random.Next(1000, 5_000_000);
            var sent = length / 2;
            var drip = i % 2 == 1;
            var head = Encoding.Latin1.GetBytes($"{method} {path} HTTP/1.1\r\nHost: x\r\n{extra}Content-Length: {length}\r\n\r\n");
            yield return new HostileCase("stalled-bodies", $"{method} {path} {(drip ? "half then a byte every 4 s" : "half then nothing")} of {length}", async (stream, cancellationToken) =>
            {
                await stream.WriteAsync(head, cancellationToken);
                await stream.WriteAsync(new byte[sent], cancellationToken);
                while (drip)
                {
                    await Task.Delay(4000, cancellationToken);
                    await stream.WriteAsync("x"u8.ToArray(), cancellationToken);
                }
            });
        }
    }

    private static IEnumerable<HostileCase> BogusExpect(string[] paths, Random random)
    {
        string[] values = ["bogus", "100-continue, bogus", "", "200-ok", "100-Continue;q=1", "\u00e9t\u00e9", new string('e', 5000), "100-continue,100-continue", "expect", "0"];
        for (var i = 0; i < 200; i++)
        {
            var value = values[i % values.Length];
            var path = paths[random.Next(paths.Length)];
            yield return Bytes("bogus-expect", $"POST {path} Expect '{Short(value)}'", $"POST {path} HTTP/1.1\r\nHost: x\r\nExpect: {value}\r\nContent-Length: 2\r\n\r\n{{}}");
        }
    }

    private static IEnumerable<HostileCase> InvalidMethods(string[] paths, Random random)
    {
        string[] methods = ["FOO", "G ET", "GET\0", "TRACE", "CONNECT", "OPTIONS", "get", "PATCH", "PROPFIND", new string('M', 5000), "G\u00c9T", "DELETE", "HEAD", "PRI", "-", "GET/", "\tGET", "POST\u007f", "QUERY", "M-SEARCH"];
        for (var i = 0; i < 200; i++)
        {
            var method = methods[i % methods.Length];
            // A DELETE goes to an app that is not there: the run's own app and fn must stay.
            var target = method switch
            {
                "CONNECT" => "127.0.0.1:1",
                "OPTIONS" when i % 2 == 0 => "*",
                "DELETE" => "/v2/apps/no-such-app",
                _ => paths[random.Next(paths.Length)],
            };
            yield return Bytes("invalid-methods", $"{Short(method)} {target}", $"{method} {target} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{{}}");
        }
    }

    private static IEnumerable<HostileCase> OversizedBodies(string fnId, Random random)
    {
        var targets = new[] { ("POST", "/v2/apps"), ("POST", "/v2/fns"), ("POST", $"/invoke/{fnId}"), ("POST", "/t/hostile/echo") };
        for (var i = 0; i < 100; i++)
        {
            var (method, path) = targets[i % targets.Length];
            var size = random.Next(6 * 1024 * 1024 + 1, 9 * 1024 * 1024);
            if (i % 2 == 0)
            {
                var head = Encoding.Latin1.GetBytes($"{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {size}\r\n\r\n");
                yield return new HostileCase("oversized-bodies", $"{method} {path} Content-Length {size}", async (stream, cancellationToken) =>
                {
                    await stream.WriteAsync(head, cancellationToken);
                    await stream.WriteAsync(new byte[size], cancellationToken);
                });
            }
            else
            {
                var head = Encoding.Latin1.GetBytes($"{method} {path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
                yield return new HostileCase("oversized-bodies", $"{method} {path} chunked {size}", async (stream, cancellationToken) =>
                {
                    await stream.WriteAsync(head, cancellationToken);
                    var chunk = Encoding.Latin1.GetBytes($"10000\r\n{new string('x', 0x10000)}\r\n");
                    for (var sent = 0; sent < size; sent += 0x10000)
                    {
                        await stream.WriteAsync(chunk, cancellationToken);
                    }

                    await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), cancellationToken);
                });
            }
        }
    }

    private static IEnumerable<HostileCase> Slowloris(Random random)
    {
        for (var i = 0; i < 100; i++)
        {
            var pause = random.Next(200, 2000);
            var line = i % 2 == 0 ? "GET /v2/apps HTTP/1.1\r\nHost: x\r\n" : "POST /invoke/x HTTP/1.1\r\nHost: x\r\n";
            yield return new HostileCase("slowloris", $"headers a byte every {pause} ms, never ending", async (stream, cancellationToken) =>
            {
                await stream.WriteAsync(Encoding.Latin1.GetBytes(line), cancellationToken);
                // Well-formed header lines, a byte at a time, that never end the head.
                for (var n = 0; ; n++)
                {
                    foreach (var c in $"X-Slow-{n}: loris\r\n")
                    {
                        await stream.WriteAsync(Encoding.Latin1.GetBytes([c]), cancellationToken);
                        await Task.Delay(pause, cancellationToken);
                    }
                }
            });
        }
    }

    private static IEnumerable<HostileCase> InvalidJson(string appId, string fnId)
    {
        string[] bodies =
        [
            "", "{", "}", "[]", "null", "true", "1", "\"name\"", "{\"name\":}", "{\"name\":\"a\",}", "{name:\"a\"}", "{\"name\":'a'}",
            "{\"name\":\"a\"} trailing", "\ufeff{\"name\":\"bom\"}", "{\"name\":\"a\" /* c */}", "{\"name\":NaN}", "{\"name\":1e99999}",
            "{\"memory\":99999999999999999999}", "{\"name\":\"a\",\"name\":\"b\"}", new string('[', 100_000), new string('{', 50_000),
            "{\"name\":\"" + new string('n', 300) + "\"}", "{\"config\":{\"\":\"v\"}}", "{\"config\":{\"A=B\":\"v\"}}",
            "{\"config\":{\"K\":\"a\\u0000b\"}}", "{\"annotations\":{\"k\":{\"deep\":" + new string('[', 5000) + new string(']', 5000) + "}}}",
            "{\"name\":\"\\ud800\"}", "{\"name\":\"a\\q\"}", "{\"name\":\"a", "{\"app_id\":[],\"name\":{},\"image\":1}",
        ];
        var targets = new[] { ("POST", "/v2/apps"), ("POST", "/v2/fns"), ("POST", "/v2/triggers"), ("PUT", $"/v2/apps/{appId}"), ("PUT", $"/v2/fns/{fnId}") };
        for (var i = 0; i < 300; i++)
        {
            var body = bodies[i % bodies.Length];
            var (method, path) = targets[(i / bodies.Length + i) % targets.Length];
            var bytes = Encoding.UTF8.GetByteCount(body);
            yield return Bytes("invalid-json", $"{method} {path} '{Short(body)}'", $"{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {bytes}\r\n\r\n", Encoding.UTF8.GetBytes(body));
        }
    }

    private static IEnumerable<HostileCase> InvalidUtf8(string appId, string fnId)
    {
        byte[][] bad = [[0xC3, 0x28], [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82], [0x80], [0xF4, 0x90, 0x80, 0x80]];
        for (var i = 0; i < 200; i++)
        {
            var b = bad[i % bad.Length];
            var where = i % 5;
            byte[] body = where switch
            {
                0 or 2 => [.. "{\"name\":\"a"u8, .. b, .. "\"}"u8],
                1 => [.. "{\"config\":{\"K\":\"a"u8, .. b, .. "\"}}"u8],
                _ => [],
            };
            var length = body.Length.ToString(CultureInfo.InvariantCulture);
            byte[] request = where switch
            {
                0 => [.. Encoding.Latin1.GetBytes($"POST /v2/apps HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\n"), .. body],
                1 => [.. Encoding.Latin1.GetBytes($"PUT /v2/apps/{appId} HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\n"), .. body],
                2 => [.. Encoding.Latin1.GetBytes($"POST /invoke/{fnId} HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\n"), .. body],
                3 => [.. "GET /v2/apps/"u8, .. b, .. " HTTP/1.1\r\nHost: x\r\n\r\n"u8],
                _ => [.. "GET /v2/apps?name=a"u8, .. b, .. " HTTP/1.1\r\nHost: x\r\nX-Utf8: "u8, .. b, .. "\r\nCookie: c="u8, .. b, .. "\r\n\r\n"u8],
            };
            yield return new HostileCase("invalid-utf8", $"bytes {Convert.ToHexString(b)} in {(where switch { 0 => "an app name", 1 => "a config value", 2 => "a call body", 3 => "the path", _ => "query and headers" })}", (stream, cancellationToken) => stream.WriteAsync(request, cancellationToken).AsTask());
        }
    }

    private static IEnumerable<HostileCase> PathTricks(string appId, string fnId, Random random)
    {
        string[] targets =
        [
            "/v2/apps/../fns", "/v2/%2e%2e/apps", "//v2//apps", "/v2/apps/%00", "/t/hostile/../../v2/apps", $"/invoke/%2F..%2F{fnId}",
            "/v2/apps\\x", "http://evil.example/v2/apps", "*", "/v2/apps?" + string.Join("&", Enumerable.Range(0, 700).Select(n => $"p{n}=1")),
            "/t/hostile/echo/%FF", "/" + string.Concat(Enumerable.Repeat("a/", 2000)), "/v2/apps/" + string.Concat(Enumerable.Repeat("%2525", 100)),
            $"/invoke/{fnId}/extra", "/T/hostile/echo", "/v2/APPS", "/v2/apps/;x", "/%u0041", "/t/hostile/echo?x=%00", "/v2/apps/%2F",
            "/t/%2e%2e/v2/apps", $"/v2/apps/{appId}%00", $"/v2/apps/{appId}/..", "/invoke/", "/t/", "/t/hostile", "/v2/fns?app_id=%FF",
            "/v2/apps?per_page=-1", "/v2/apps?per_page=1000000000000", "/v2/apps?cursor=%%%", "/metrics/../version", "/./version", "/version/.",
            "/health/ready/../live", "/v2/apps?name=" + new string('n', 7000),
        ];
        string[] methods = ["GET", "POST", "PUT", "PATCH"];
        for (var i = 0; i < 200; i++)
        {
            var target = targets[i % targets.Length];
            var method = methods[random.Next(methods.Length)];
            yield return Bytes("path-tricks", $"{method} {Short(target)}", $"{method} {target} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{{}}");
        }
    }

    private static IEnumerable<HostileCase> Framing(string[] paths, Random random)
    {
        string[] heads =
        [
            "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n", "Content-Length: 2\r\nContent-Length: 3\r\n", "Content-Length: 1e3\r\n",
            "Content-Length: 99999999999999999999\r\n", "Transfer-Encoding: chunked, gzip\r\n", "Transfer-Encoding: identity\r\n",
            "Transfer-Encoding: xchunked\r\n", "X-Folded: a\r\n continued\r\n", "NoColon\r\n", "X-Nul: a\0b\r\n", "Content-Length: 2,2\r\n",
            "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", " Host: y\r\n", "Host: a\r\nHost: b\r\n", "Content-Length: +2\r\n",
            ": empty-name\r\n", "X-Space : v\r\n", "Content-Length:\r\n", "Connection: upgrade\r\nUpgrade: websocket\r\n", "Content-Length: -0\r\n",
        ];
        for (var i = 0; i < 100; i++)
        {
            var head = heads[i % heads.Length];
            var path = paths[random.Next(paths.Length)];
            var lineEnd = i % 7 == 6 ? "\n" : "\r\n";
            var version = i % 9 == 8 ? "HTTP/1.0" : "HTTP/1.1";
            yield return Bytes("framing", $"POST {path} {version} '{Short(head)}'", $"POST {path} {version}{lineEnd}Host: x{lineEnd}{head.Replace("\r\n", lineEnd, StringComparison.Ordinal)}{lineEnd}{{}}\r\n0\r\n\r\n");
        }
    }

    private static IEnumerable<HostileCase> Garbage(Random random)
    {
        byte[] tlsHello = [0x16, 0x03, 0x01, 0x00, 0xA5, 0x01, 0x00, 0x00, 0xA1, 0x03, 0x03, .. Enumerable.Range(0, 160).Select(n => (byte)n)];
        for (var i = 0; i < 60; i++)
        {
            byte[] bytes = (i % 6) switch
            {
                0 => [.. Enumerable.Range(0, 4096).Select(_ => (byte)random.Next(256))],
                1 => tlsHello,
                2 => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\x04\0\0\0\0\0"u8.ToArray(),
                3 => "\r\n\r\n\r\n\r\n"u8.ToArray(),
                4 => [.. Enumerable.Repeat((byte)0, 10_000)],
                _ => "GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\nGARBAGE\r\n\r\n"u8.ToArray(),
            };
            yield return new HostileCase("garbage", (i % 6) switch { 0 => "random bytes", 1 => "a TLS ClientHello", 2 => "the HTTP/2 preface", 3 => "empty lines", 4 => "NUL bytes", _ => "pipelined requests then garbage" }, (stream, cancellationToken) => stream.WriteAsync(bytes, cancellationToken).AsTask())
            {
                // Empty lines before a request are allowed (RFC 9112 section 2.2): the connection is idle,
                // and Kestrel closes it after its keep-alive timeout (130 s).
                Deadline = i % 6 == 3 ? TimeSpan.FromSeconds(150) : null,
            };
        }
    }

    private static HostileCase Bytes(string category, string name, string head, byte[]? body = null)
    {
        byte[] request = [.. Encoding.Latin1.GetBytes(head), .. body ?? []];
        return new HostileCase(category, name, (stream, cancellationToken) => stream.WriteAsync(request, cancellationToken).AsTask());
    }

    private static string Short(string text) => text.Length <= 40 ? text.Replace("\r\n", "\\r\\n", StringComparison.Ordinal) : text[..40].Replace("\r\n", "\\r\\n", StringComparison.Ordinal) + "...";
}
