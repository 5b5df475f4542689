using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FnSharp.Testing.Hosting;

namespace FnSharp.Server.Tests.Integration;

/// <summary>
/// A real <c>fnsharp-server</c> (the build output beside the tests) run as a child process on a free
/// loopback port, with the given SQLite file and node name, its output kept in <c>server-N.log</c>
/// beside the database (as the benchmark's <c>ServerProcess</c> starts it).
/// </summary>
internal sealed class ServerChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private ServerChildProcess(Process process, StreamWriter log, Uri baseAddress)
    {
        _process = process;
        _log = log;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public HttpClient Http { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The server's process id (to look at its <c>/proc</c> entries).</summary>
    public int ProcessId => _process.Id;

    /// <summary>Starts the server and waits until <c>/version</c> answers (a start-up failsafe of 30 s).</summary>
    public static async Task<ServerChildProcess> StartAsync(string dataDirectory, string node, string logName, IReadOnlyDictionary<string, string> settings)
    {
        var port = FreePort();
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "fnsharp-server"))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dataDirectory,
        };
        info.Environment["FN_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        info.Environment["FN_LISTEN_ADDRESS"] = "127.0.0.1";
        info.Environment["FN_DB_URL"] = "sqlite3://" + Path.Combine(dataDirectory, "fnsharp.db");
        info.Environment["FN_NODE_NAME"] = node;

        // Killed with SIGKILL by the crash tests: a .NET process killed so leaves its debugger pipes and diagnostics
        // socket in /tmp (clr-debug-pipe-PID-*, dotnet-diagnostic-PID-*); nothing attaches to this server.
        info.Environment["DOTNET_EnableDiagnostics"] = "0";

        // The Engine API bound of every test server, for a loaded machine's engine.
        info.Environment["FN_DOCKER_API_TIMEOUT_MSECS"] = FnSharpServerFactory.EngineApiTimeoutMs;
        foreach (var (key, value) in settings)
        {
            info.Environment[key] = value;
        }

        var log = new StreamWriter(Path.Combine(dataDirectory, logName)) { AutoFlush = true };
        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start fnsharp-server");
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerChildProcess(process, log, new Uri($"http://127.0.0.1:{port}/"));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            if (process.HasExited)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException($"fnsharp-server exited at start; see {dataDirectory}/{logName}");
            }

            try
            {
                using var response = await server.Http.GetAsync(new Uri("version", UriKind.Relative), deadline.Token);
                if (response.IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException($"fnsharp-server did not answer within 30 s; see {dataDirectory}/{logName}");
            }

            await Task.Delay(100, deadline.Token);
        }
    }

    /// <summary>Kills the server with SIGKILL: no shutdown code runs, as in a crash.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>Stops the server with SIGTERM (it removes its containers as it stops), SIGKILL after 40 s.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
        }
    }

    /// <summary>Kills the server if it still runs (a failed test must leave no process).</summary>
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        Http.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // The last lines of a killed server may come after the test closed its log.
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
