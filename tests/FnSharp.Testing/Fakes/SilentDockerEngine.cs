using System.Collections.Concurrent;
using System.Net.Sockets;

namespace FnSharp.Testing.Fakes;

/// <summary>
/// A stand-in for a hung container engine: a unix socket in a temporary directory that accepts connections and
/// reads whatever comes, and never answers.
/// </summary>
public sealed class SilentDockerEngine : IDisposable
{
    private readonly string _directory = TestDirectories.Create("fnsharp-silent-engine-");
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly ConcurrentDictionary<Socket, byte> _accepted = new();
    private readonly TaskCompletionSource _read = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Listens at once.</summary>
    public SilentDockerEngine()
    {
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen(16);
        _ = AcceptAsync();
    }

    /// <summary>The socket's path.</summary>
    public string SocketPath => Path.Combine(_directory, "docker.sock");

    /// <summary>The endpoint for <c>FN_DOCKER_HOST</c>.</summary>
    public string Endpoint => "unix://" + SocketPath;

    /// <summary>Completes once the first bytes of a request were read.</summary>
    public Task RequestRead => _read.Task;

    /// <inheritdoc/>
    public void Dispose()
    {
        _listener.Dispose();
        foreach (var socket in _accepted.Keys)
        {
            socket.Dispose();
        }

        Directory.Delete(_directory, recursive: true);
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptAsync();
                _accepted.TryAdd(socket, 0);
                _ = ReadAsync(socket);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Disposed.
        }
    }

    private async Task ReadAsync(Socket socket)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None) > 0)
            {
                _read.TrySetResult();
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The client gave up, or disposed.
        }
    }
}
