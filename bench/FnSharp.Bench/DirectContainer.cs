using System.Diagnostics;
using System.Net.Sockets;

namespace FnSharp.Bench;

/// <summary>
/// A function container started by the harness itself (<c>docker run</c>, socket directory
/// bind-mounted at /tmp/iofs, FN_LISTENER and FN_FORMAT as Fn sets them), for calls with no platform in between.
/// </summary>
internal sealed class DirectContainer : IAsyncDisposable
{
    private readonly string _id;
    private readonly string _dir;

    private DirectContainer(string id, string dir, double runMs)
    {
        _id = id;
        _dir = dir;
        RunMs = runMs;
    }

    /// <summary>How long <c>docker run -d</c> itself took (the engine's create and start), in ms.</summary>
    public double RunMs { get; }

    public string SocketPath => Path.Combine(_dir, "lsnr.sock");

    public UnixDomainSocketEndPoint EndPoint => new(SocketPath);

    /// <summary>Runs <paramref name="image"/> labelled <paramref name="label"/> and waits until its socket exists.</summary>
    public static async Task<DirectContainer> StartAsync(string image, string label, CancellationToken cancellationToken)
    {
        var dir = Directory.CreateTempSubdirectory("fnsharp-bench-iofs-").FullName;
        File.SetUnixFileMode(dir, (UnixFileMode)0x1FF);
        var run = Stopwatch.StartNew();
        var (code, output) = await Shell.RunAsync("docker", ["run", "-d", "--label", label, "--memory", "128m", "-v", dir + ":/tmp/iofs",
            "-e", "FN_LISTENER=unix:/tmp/iofs/lsnr.sock", "-e", "FN_FORMAT=http-stream", image], cancellationToken);
        if (code != 0)
        {
            throw new InvalidOperationException("docker run failed: " + output);
        }
        var container = new DirectContainer(output.Trim(), dir, run.Elapsed.TotalMilliseconds);
        var watch = Stopwatch.StartNew();
        while (!File.Exists(container.SocketPath))
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new InvalidOperationException("the direct container made no socket in 10 s");
            }
            await Task.Delay(2, cancellationToken);
        }
        return container;
    }

    /// <summary>One POST /call over the unix socket; returns the HTTP status.</summary>
    public async Task<int> CallAsync(string body, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(EndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        using var http = new HttpClient(handler);
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("http://localhost/call", content, cancellationToken);
        return (int)response.StatusCode;
    }

    public async ValueTask DisposeAsync()
    {
        await Shell.RunAsync("docker", ["rm", "-f", _id], CancellationToken.None);
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // The container's files may belong to its user; the temporary directory is left.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
