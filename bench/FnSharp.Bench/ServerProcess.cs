using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace FnSharp.Bench;

/// <summary>An fnsharp-server started by the harness on a free loopback port, its own SQLite file and node name.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dataDir;
    private string? _callAuthorization;

    private ServerProcess(Process process, int port, string node, string dataDir)
    {
        _process = process;
        Port = port;
        Node = node;
        _dataDir = dataDir;
        Http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 2000, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}/"),
            Timeout = TimeSpan.FromSeconds(120),
        };
    }

    public int Port { get; }

    /// <summary>FN_NODE_NAME, so the containers of this server carry <c>io.fnsharp.node=Node</c>.</summary>
    public string Node { get; }

    public HttpClient Http { get; }

    /// <summary>How many lines of the server's log so far contain <paramref name="text"/> (the log is written as the server runs).</summary>
    public int CountLogLines(string text)
    {
        using var stream = new FileStream(Path.Combine(_dataDir, "server.log"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var count = 0;
        while (reader.ReadLine() is { } line)
        {
            if (line.Contains(text, StringComparison.Ordinal))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The <c>Authorization</c> header of <see cref="Http"/>'s requests (an admin key, for the API and <c>/metrics</c>) on a server with keys; <see langword="null"/> for one without.</summary>
    public string? Authorization
    {
        get => Http.DefaultRequestHeaders.Authorization?.ToString();
        set => Http.DefaultRequestHeaders.Authorization = value is null ? null : System.Net.Http.Headers.AuthenticationHeaderValue.Parse(value);
    }

    /// <summary>The <c>Authorization</c> header of the calls wrk makes; <see cref="Authorization"/> unless set.</summary>
    public string? CallAuthorization
    {
        get => _callAuthorization ?? Authorization;
        set => _callAuthorization = value;
    }

    public string Label => "io.fnsharp.node=" + Node;

    /// <summary>The CPU time (user and system) the server process has used so far; its fn containers are not in it.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Starts <paramref name="serverPath"/> with <paramref name="settings"/> and waits until <c>/version</c> answers.</summary>
    public static async Task<ServerProcess> StartAsync(string serverPath, string node, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var dataDir = Directory.CreateTempSubdirectory("fnsharp-bench-").FullName;
        var info = new ProcessStartInfo(serverPath) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["FN_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        info.Environment["FN_LISTEN_ADDRESS"] = "127.0.0.1";
        info.Environment["FN_DB_URL"] = "sqlite3://" + Path.Combine(dataDir, "fnsharp.db");
        info.Environment["FN_NODE_NAME"] = node;
        info.Environment["FN_LOG_LEVEL"] = "warn";

        // The runner's decisions (containers started, fns held by the throughput feedback) at Information, into the log
        // file, so that a run shows why it scaled as it did; a category rule wins over FN_LOG_LEVEL's default for all.
        // FNSHARP_BENCH_RUNNER_LOG=Debug adds each launch decision's counts and CPU readings (a shell drops a variable
        // whose name has dots, such as the rule's own, on its way to a child).
        info.Environment["Logging__LogLevel__FnSharp.Agent.Runner"] = Environment.GetEnvironmentVariable("FNSHARP_BENCH_RUNNER_LOG") is { Length: > 0 } level ? level : "Information";
        foreach (var (key, value) in settings)
        {
            info.Environment[key] = value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start " + serverPath);
        var log = new StreamWriter(Path.Combine(dataDir, "server.log")) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, port, node, dataDir);
        for (var i = 0; i < 200; i++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the server exited; see {dataDir}/server.log");
            }
            try
            {
                using var response = await server.Http.GetAsync("version", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    Console.Error.WriteLine($"bench: server {node} on port {port} (log {dataDir}/server.log)");
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100, cancellationToken);
        }
        throw new InvalidOperationException($"the server did not answer in 20 s; see {dataDir}/server.log");
    }

    /// <summary>The sum of every series of Prometheus metric <paramref name="name"/> on <c>/metrics</c>.</summary>
    public async Task<double> MetricAsync(string name, CancellationToken cancellationToken) =>
        PrometheusText.Sum(await Http.GetStringAsync("metrics", cancellationToken), name);

    /// <summary>
    /// Stops the server with SIGTERM (it removes its containers as it stops) and waits up to 40 s. Its data directory
    /// keeps its log (the runner's decisions at Information level: why a fn grew or was held), small; its SQLite store, tens
    /// of MB after a run, is deleted when it stopped so, and kept with the log when it had exited before or had to be killed.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        var stopped = false;
        if (!_process.HasExited)
        {
            await Shell.RunAsync("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)], CancellationToken.None);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
                stopped = _process.ExitCode == 0;
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
            }
        }
        _process.Dispose();
        Http.Dispose();
        if (stopped)
        {
            foreach (var store in Directory.EnumerateFiles(_dataDir, "fnsharp.db*"))
            {
                File.Delete(store);
            }

            Console.Error.WriteLine($"bench: server {Node} stopped (its store deleted, its log kept in {_dataDir})");
        }
        else
        {
            Console.Error.WriteLine($"bench: server {Node} had exited or was killed (data and log kept in {_dataDir})");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
