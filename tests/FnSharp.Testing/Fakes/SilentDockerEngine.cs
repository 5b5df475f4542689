using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;

namespace FnSharp.Testing.Fakes;

/// <summary>
/// A stand-in for a hung container engine: a unix socket in a temporary directory that accepts connections and
/// reads whatever comes, and never answers; or, made with <c>answersPing</c>, a busy one: it answers <c>GET /_ping</c>
/// at once and holds every other request until the test answers it (<see cref="AnswerAsync"/>).
/// </summary>
public sealed class SilentDockerEngine : IDisposable
{
    private readonly string _directory = TestDirectories.Create("fnsharp-silent-engine-");
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly ConcurrentDictionary<Socket, byte> _accepted = new();
    private readonly TaskCompletionSource _read = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly bool _answersPing;
    private readonly Lock _lock = new();
    private readonly List<string> _requests = [];
    private readonly List<(Socket Socket, string Line)> _held = [];
    private readonly List<(string Part, int Count, TaskCompletionSource Seen)> _watches = [];

    /// <summary>Listens at once.</summary>
    /// <param name="answersPing">Whether <c>GET /_ping</c> is answered (200 <c>OK</c>) as soon as it is read.</param>
    public SilentDockerEngine(bool answersPing = false)
    {
        _answersPing = answersPing;
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

    /// <summary>Completes once <paramref name="count"/> requests whose request line holds <paramref name="part"/> (a path, say <c>/_ping</c>) were read.</summary>
    public Task RequestsRead(string part, int count = 1)
    {
        lock (_lock)
        {
            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _watches.Add((part, count, seen));
            Notify();
            return seen.Task;
        }
    }

    /// <summary>Answers the requests held so far whose request line holds <paramref name="part"/> with <paramref name="status"/> (say <c>201 Created</c>) and the JSON <paramref name="json"/>.</summary>
    public async Task AnswerAsync(string part, string status, string json)
    {
        List<Socket> held;
        lock (_lock)
        {
            held = [.. _held.Where(r => r.Line.Contains(part, StringComparison.Ordinal)).Select(r => r.Socket)];
            _held.RemoveAll(r => r.Line.Contains(part, StringComparison.Ordinal));
        }

        foreach (var socket in held)
        {
            await socket.SendAsync(Answer(status, "application/json", json), SocketFlags.None);
        }
    }

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
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None)) > 0)
            {
                _read.TrySetResult();
                await OnReadAsync(socket, Encoding.ASCII.GetString(buffer, 0, read));
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The client gave up, or disposed.
        }
    }

    private static byte[] Answer(string status, string contentType, string body) =>
        Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\n\r\n{body}");

    /// <summary>Notes a request that begins in <paramref name="text"/> (its first line) and answers it when it is a ping the engine answers.</summary>
    private async Task OnReadAsync(Socket socket, string text)
    {
        if (!(text.StartsWith("GET ", StringComparison.Ordinal) || text.StartsWith("POST ", StringComparison.Ordinal) || text.StartsWith("DELETE ", StringComparison.Ordinal) || text.StartsWith("HEAD ", StringComparison.Ordinal)))
        {
            return;
        }

        var line = text.Split("\r\n", 2)[0];
        var ping = _answersPing && line.Contains("/_ping", StringComparison.Ordinal);
        if (ping)
        {
            await socket.SendAsync(Answer("200 OK", "text/plain", "OK"), SocketFlags.None);
        }

        lock (_lock)
        {
            if (!ping)
            {
                _held.Add((socket, line));
            }

            _requests.Add(line);
            Notify();
        }
    }

    /// <summary>Completes the watches whose requests were all read; under the lock.</summary>
    private void Notify()
    {
        foreach (var watch in _watches)
        {
            if (_requests.Count(line => line.Contains(watch.Part, StringComparison.Ordinal)) >= watch.Count)
            {
                watch.Seen.TrySetResult();
            }
        }
    }
}
