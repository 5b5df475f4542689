using System.Collections.Concurrent;
using System.Net.Sockets;

namespace FnSharp.Testing.Docker;

/// <summary>
/// A stand-in for a container engine that restarts, without restarting the shared one: a unix socket of
/// its own that forwards every connection to the real engine (<c>/var/run/docker.sock</c>). <see cref="Stop"/>
/// cuts every connection and removes the socket, as an engine going down does (new connections fail);
/// <see cref="Start"/> listens again. The containers stay on the real engine throughout.
/// </summary>
public sealed class EngineProxy : IDisposable
{
    private const string Engine = "/var/run/docker.sock";

    private readonly string _directory = Directory.CreateTempSubdirectory("fnsharp-engine-proxy-").FullName;
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private Socket? _listener;

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

    /// <inheritdoc/>
    public void Dispose()
    {
        Stop();
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
                return;
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
            await Task.WhenAny(PumpAsync(client, engine), PumpAsync(engine, client));
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

    private static async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None)) > 0)
            {
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
