using NATS.Client.Core;
using NATS.Client.JetStream;

namespace FnSharp.Testing.Nats;

/// <summary>
/// A connection to the NATS server named by <c>FNSHARP_TEST_NATS</c> (which <c>scripts/test.sh</c> starts
/// with <c>scripts/start-nats.sh</c>), with a subject prefix of its own so that test classes running in
/// parallel never see each other's messages; on dispose it removes the streams that capture its subjects.
/// </summary>
public sealed class NatsTestServer : IAsyncDisposable
{
    /// <summary>The environment variable holding the server's URL, <c>nats://127.0.0.1:PORT</c> (not <c>FN_NATS_URL</c>, which every test server would read).</summary>
    public const string Variable = "FNSHARP_TEST_NATS";

    private NatsTestServer(string url)
    {
        Url = url;
        Connection = new NatsConnection(new NatsOpts { Url = url, Name = "fnsharp-tests" });
        JetStream = new NatsJSContext(Connection);
    }

    /// <summary>The server's URL, for <c>FN_NATS_URL</c>.</summary>
    public string Url { get; }

    /// <summary>This instance's subject prefix: <c>test.&lt;32 hex digits&gt;</c>.</summary>
    public string Prefix { get; } = "test." + Guid.NewGuid().ToString("N");

    /// <summary>The test's own connection, to publish and to look at streams and consumers.</summary>
    public NatsConnection Connection { get; }

    /// <summary>JetStream on <see cref="Connection"/>.</summary>
    public NatsJSContext JetStream { get; }

    /// <summary>Connects to the server.</summary>
    /// <exception cref="InvalidOperationException"><c>FNSHARP_TEST_NATS</c> is not set; the message says how to start the server.</exception>
    public static async Task<NatsTestServer> ConnectAsync()
    {
        var url = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(url))
        {
            throw new InvalidOperationException(
                $"{Variable} is not set, so the NATS trigger tests cannot run. Run them through scripts/test.sh (which starts nats-server), "
                + $"or start it yourself: export {Variable}=$(scripts/start-nats.sh) (and scripts/stop-nats.sh afterwards).");
        }

        var server = new NatsTestServer(url);
        await server.Connection.ConnectAsync();
        return server;
    }

    /// <summary>A subject under this instance's prefix.</summary>
    public string Subject(string name) => Prefix + "." + name;

    /// <summary>Publishes <paramref name="body"/> on <paramref name="subject"/> through JetStream and waits until a stream stored it.</summary>
    /// <returns>The message's sequence in its stream.</returns>
    public async Task<ulong> PublishAsync(string subject, byte[] body, string? contentType = null)
    {
        var headers = contentType is null ? null : new NatsHeaders { ["Content-Type"] = contentType };
        var ack = await JetStream.PublishAsync(subject, body, headers: headers);
        ack.EnsureSuccess();
        return ack.Seq;
    }

    /// <summary>Removes the streams that capture this instance's subjects and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            var streams = new List<string>();
            await foreach (var name in JetStream.ListStreamNamesAsync(Prefix + ".>"))
            {
                streams.Add(name);
            }

            foreach (var name in streams)
            {
                await JetStream.DeleteStreamAsync(name);
            }
        }
        finally
        {
            await Connection.DisposeAsync();
        }
    }
}
