using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace FnSharp.Server.Tests.Edge;

/// <summary>
/// HTTP/1.1 over a plain socket, for requests no HTTP client sends (a chunk size past 2^31, 101
/// headers, a request line of 9 KB, a body that stops halfway): writes the bytes, reads one answer.
/// </summary>
internal static class RawHttp
{
    // Only a guard so that a server that never answers fails the test instead of hanging it.
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    /// <summary>Sends <paramref name="request"/> (latin-1) and reads the answer; the connection stays open until it comes.</summary>
    public static async Task<RawResponse> SendAsync(Uri server, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request));
        using var guard = new CancellationTokenSource(Guard);
        return await ReadAsync(stream, [], guard.Token);
    }

    /// <summary>
    /// Sends <paramref name="request"/> (latin-1) and reads everything the server sends until it closes or resets the
    /// connection: the head, and the body as sent (still chunked, when it is). For answers that may be cut off.
    /// </summary>
    public static async Task<RawAnswer> SendAndReadToEndAsync(Uri server, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request));
        using var guard = new CancellationTokenSource(Guard);
        var received = new List<byte>();
        var buffer = new byte[64 * 1024];
        var reset = false;
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, guard.Token)) > 0)
            {
                received.AddRange(buffer.AsSpan(0, read));
            }
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset })
        {
            reset = true;
        }

        var headEnd = IndexOf(received, "\r\n\r\n"u8);
        if (headEnd < 0)
        {
            throw new IOException($"the server ended the connection before a whole head: '{Encoding.Latin1.GetString([.. received])}'");
        }

        var lines = Encoding.Latin1.GetString([.. received.Take(headEnd)]).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0], p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        return new RawAnswer(status, headers, [.. received.Skip(headEnd + 4)], reset);
    }

    /// <summary>
    /// Reads a chunked body that may be cut off (pure): the payload of its whole chunks, and whether it ended with
    /// the last (zero-length) chunk, as every whole chunked body does.
    /// </summary>
    public static (byte[] Payload, bool Terminated) ReadChunks(byte[] chunked)
    {
        ArgumentNullException.ThrowIfNull(chunked);
        var payload = new List<byte>();
        var at = 0;
        while (true)
        {
            var lineEnd = chunked.AsSpan(at).IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                return ([.. payload], false);
            }

            var size = long.Parse(Encoding.Latin1.GetString(chunked, at, lineEnd).Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                return ([.. payload], true);
            }

            var next = at + lineEnd + 2 + size + 2;
            if (next > chunked.Length)
            {
                return ([.. payload], false);
            }

            payload.AddRange(chunked.AsSpan(at + lineEnd + 2, (int)size));
            at = (int)next;
        }
    }

    private static async Task<RawResponse> ReadAsync(NetworkStream stream, List<byte> received, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        int headEnd;
        while ((headEnd = IndexOf(received, "\r\n\r\n"u8)) < 0)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                throw new IOException($"the server closed the connection before a whole head: '{Encoding.Latin1.GetString([.. received])}'");
            }

            received.AddRange(buffer.AsSpan(0, read));
        }

        var lines = Encoding.Latin1.GetString([.. received.Take(headEnd)]).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        if (status is >= 100 and < 200)
        {
            // An interim answer (100 Continue): the final one follows.
            received.RemoveRange(0, headEnd + 4);
            return await ReadAsync(stream, received, cancellationToken);
        }

        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0], p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var body = received.Skip(headEnd + 4).ToList();
        if (headers.TryGetValue("Content-Length", out var length))
        {
            while (body.Count < int.Parse(length, CultureInfo.InvariantCulture) && await stream.ReadAsync(buffer, cancellationToken) is var read and > 0)
            {
                body.AddRange(buffer.AsSpan(0, read));
            }
        }
        else if (headers.TryGetValue("Transfer-Encoding", out var coding) && coding == "chunked")
        {
            while (IndexOf(body, "0\r\n\r\n"u8) < 0 && await stream.ReadAsync(buffer, cancellationToken) is var read and > 0)
            {
                body.AddRange(buffer.AsSpan(0, read));
            }

            body = Unchunk(body);
        }

        return new RawResponse(status, headers, Encoding.UTF8.GetString([.. body]));
    }

    private static List<byte> Unchunk(List<byte> chunked)
    {
        var text = Encoding.Latin1.GetString([.. chunked]);
        var body = new List<byte>();
        for (var at = 0; ;)
        {
            var lineEnd = text.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = int.Parse(text[at..lineEnd], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                return body;
            }

            body.AddRange(chunked.Skip(lineEnd + 2).Take(size));
            at = lineEnd + 2 + size + 2;
        }
    }

    private static int IndexOf(List<byte> bytes, ReadOnlySpan<byte> value) => bytes.ToArray().AsSpan().IndexOf(value);
}
