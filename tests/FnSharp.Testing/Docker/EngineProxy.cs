using System.Collections.Concurrent;
using System.Net.Sockets;

namespace FnSharp.Testing.Docker;

/// <summary>
/// A stand-in for a container engine that restarts, without restarting the shared one: a unix socket of
/// its own that forwards every connection to the real engine (<c>/var/run/docker.sock</c>). <see cref="Stop"/>
/// cuts every connection and removes the socket, as an engine going down does (new connections fail);
/// <see cref="Start"/> listens again. The containers stay on the real engine throughout. <see cref="GoDownAfterNext"/>
/// plays an engine that goes down in the middle of a request: it did the request, but its answer never comes.
/// <see cref="Hang"/> plays a hung engine: connections are accepted and requests read, but nothing passes either
/// way until <see cref="Resume"/>, when what was held goes on (a hung engine that recovers answers what it was asked).
/// </summary>
public sealed class EngineProxy : IDisposable
{
    private const string Engine = "/var/run/docker.sock";

    private readonly string _directory = TestDirectories.Create("fnsharp-engine-proxy-");
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private readonly ConcurrentQueue<string> _requestLines = new();
    private Socket? _listener;
    private string? _goDownAfter;
    private string? _hangOn;
    private TaskCompletionSource _flowing = NewGate(open: true);

    /// <summary>The path of the proxy's socket.</summary>
    public string SocketPath => Path.Combine(_directory, "docker.sock");

    /// <summary>The Engine API address of the proxy, for <c>FN_DOCKER_HOST</c>.</summary>
    public string Endpoint => "unix://" + SocketPath;

    /// <summary>Listens on <see cref="SocketPath"/> and forwards each connection to the real engine.</summary>
    public void Start()
    {
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        listener.Listen(128);
        _listener = listener;
        _ = AcceptAsync(listener);
    }

    /// <summary>Goes down: the socket is closed and removed, every forwarded connection is cut.</summary>
    public void Stop()
    {
        Interlocked.Exchange(ref _listener, null)?.Dispose();
        File.Delete(SocketPath);
        foreach (var socket in _open.Keys)
        {
            Close(socket);
        }
    }

    /// <summary>Hangs: connections are still accepted and read, but no byte passes either way until <see cref="Resume"/>.</summary>
    public void Hang()
    {
        var flowing = Volatile.Read(ref _flowing);
        if (flowing.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref _flowing, NewGate(open: false), flowing);
        }
    }

    /// <summary>Answers again: what was held while hung passes on, in order on each connection.</summary>
    public void Resume() => Volatile.Read(ref _flowing).TrySetResult();

    /// <summary>How many requests the server sent so far whose request line contains <paramref name="marker"/> (for example <c>/containers/create</c>), those held while hung included.</summary>
    public int RequestsWith(string marker) => _requestLines.Count(line => line.Contains(marker, StringComparison.Ordinal));

    /// <summary>
    /// Arms one fault: the next request whose head contains <paramref name="marker"/> (for example
    /// <c>/containers/create</c>) reaches the engine, but when the engine answers, the proxy goes down
    /// (<see cref="Stop"/>) instead of passing the answer on.
    /// </summary>
    public void GoDownAfterNext(string marker) => Volatile.Write(ref _goDownAfter, marker);

    /// <summary>
    /// Arms a hang: when the next request whose head contains <paramref name="marker"/> (for example <c>/export</c>)
    /// arrives, the proxy hangs (<see cref="Hang"/>) before passing it on, so that this request and every later one get
    /// no answer until <see cref="Resume"/>.
    /// </summary>
    public void HangOnNext(string marker) => Volatile.Write(ref _hangOn, marker);

    /// <inheritdoc/>
    public void Dispose()
    {
        Stop();
        Resume();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task AcceptAsync(Socket listener)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                if (!ReferenceEquals(Volatile.Read(ref _listener), listener))
                {
                    return; // Stopped.
                }

                // A failed accept of a listener still up (a connection reset before it was taken, no file
                // descriptor left for a moment on a loaded machine) must not end the loop, or every later
                // connection waits in the backlog and the server's Engine API calls hang as if the engine did.
                await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System);
                continue;
            }

            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(Socket client)
    {
        var engine = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _open.TryAdd(client, 0);
        _open.TryAdd(engine, 0);
        try
        {
            await engine.ConnectAsync(new UnixDomainSocketEndPoint(Engine));
            var fault = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await Task.WhenAny(PumpAsync(client, engine, request => Seen(request) && ArmsFault(request, fault) && ArmsHang(request)), PumpAsync(engine, client, _ => fault.Task.IsCompleted ? GoDown() : true));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            // Cut by Stop, or by either side.
        }
        finally
        {
            Close(client);
            Close(engine);
        }
    }

    /// <summary>Keeps the request lines among a read's bytes (for <see cref="RequestsWith"/>); returns true.</summary>
    private bool Seen(ReadOnlyMemory<byte> request)
    {
        foreach (var line in System.Text.Encoding.Latin1.GetString(request.Span).Split("\r\n"))
        {
            if (line.EndsWith(" HTTP/1.1", StringComparison.Ordinal) && line.IndexOf(' ', StringComparison.Ordinal) is > 0 and < 8)
            {
                _requestLines.Enqueue(line);
            }
        }

        return true;
    }

    /// <summary>Whether a request's bytes arm the fault on this connection (set before they are passed on, so before any answer).</summary>
    private bool ArmsFault(ReadOnlyMemory<byte> request, TaskCompletionSource fault)
    {
        if (Volatile.Read(ref _goDownAfter) is { } marker
            && System.Text.Encoding.Latin1.GetString(request.Span).Contains(marker, StringComparison.Ordinal)
            && Interlocked.CompareExchange(ref _goDownAfter, null, marker) == marker)
        {
            fault.TrySetResult();
        }

        return true;
    }

    /// <summary>Hangs the proxy when a request's bytes match <see cref="HangOnNext"/>'s marker (before they are passed on); returns true.</summary>
    private bool ArmsHang(ReadOnlyMemory<byte> request)
    {
        if (Volatile.Read(ref _hangOn) is { } marker
            && System.Text.Encoding.Latin1.GetString(request.Span).Contains(marker, StringComparison.Ordinal)
            && Interlocked.CompareExchange(ref _hangOn, null, marker) == marker)
        {
            Hang();
        }

        return true;
    }

    /// <summary>The engine's answer to the faulted request arrived: drop it and go down; returns false (not passed on).</summary>
    private bool GoDown()
    {
        Stop();
        return false;
    }

    private static TaskCompletionSource NewGate(bool open)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (open)
        {
            gate.SetResult();
        }

        return gate;
    }

    /// <summary>
    /// Passes bytes from one side to the other while <paramref name="pass"/> says so for each read; while the proxy
    /// hangs (<see cref="Hang"/>), each read is held until it resumes.
    /// </summary>
    private async Task PumpAsync(Socket from, Socket to, Func<ReadOnlyMemory<byte>, bool> pass)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None)) > 0)
            {
                if (!pass(buffer.AsMemory(0, read)))
                {
                    return;
                }

                await Volatile.Read(ref _flowing).Task;
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
            }

            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The other side or Stop closed it.
        }
    }

    private void Close(Socket socket)
    {
        if (_open.TryRemove(socket, out _))
        {
            socket.Dispose();
        }
    }
}
